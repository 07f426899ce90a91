// The layout as a film: a model of one process's list of mappings (VMAs), seeded by a start
// layout read from the kernel and kept up to date by every traced call (event.hpp), as the
// kernel would change it. It answers what /proc/PID/maps would say after any event: the
// mappings, how many there are, what is accessible (any of rwx) against only reserved
// (PROT_NONE), and what is locked.
//
// What it does not see, and so does not model: a stack growing down on page faults (the [stack]
// mapping keeps its start from the start layout), and the calls it does not trace (prctl's
// PR_SET_VMA names, userfaultfd registration, io_uring's madvise), which split mappings too.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ljmm/event.hpp"
#include "ljmm/export.hpp"
#include "ljmm/maps.hpp"
#include "ljmm/process.hpp"

namespace ljmm::film {

// Flags of a mapping that keep two neighbours apart (the kernel merges neighbours only when
// they are equal), or change what fork and mlock do. /proc/PID/smaps names them in VmFlags.
namespace vma_flag {
inline constexpr uint32_t locked = 1u << 0;  // lo: mlock
inline constexpr uint32_t lock_on_fault = 1u << 1;  // lf: mlock2(MLOCK_ONFAULT), mlockall(MCL_ONFAULT)
inline constexpr uint32_t dont_fork = 1u << 2;  // dc: MADV_DONTFORK, not in a child
inline constexpr uint32_t wipe_on_fork = 1u << 3;  // wf: MADV_WIPEONFORK, empty in a child
inline constexpr uint32_t huge_page = 1u << 4;  // hg: MADV_HUGEPAGE
inline constexpr uint32_t no_huge_page = 1u << 5;  // nh: MADV_NOHUGEPAGE
inline constexpr uint32_t mergeable = 1u << 6;  // mg: MADV_MERGEABLE
inline constexpr uint32_t dont_dump = 1u << 7;  // dd: MADV_DONTDUMP
inline constexpr uint32_t random_read = 1u << 8;  // rr: MADV_RANDOM
inline constexpr uint32_t sequential_read = 1u << 9;  // sr: MADV_SEQUENTIAL
inline constexpr uint32_t grows_down = 1u << 10;  // gd: the stack, MAP_GROWSDOWN
inline constexpr uint32_t sealed = 1u << 11;  // sl: mseal
inline constexpr uint32_t accounted = 1u << 12;  // ac: private and writable once (committed memory), kept when write goes
inline constexpr uint32_t no_reserve = 1u << 13;  // nr: MAP_NORESERVE
inline constexpr uint32_t special = 1u << 14;  // pf, io, de, mm: [vdso], [vvar], devices: never merged nor locked
inline constexpr uint32_t gate = 1u << 15;  // [vsyscall]: listed by /proc, but no mapping of the process's own
}  // namespace vma_flag

struct LJMM_API Vma {
  uint64_t start = 0;
  uint64_t end = 0;
  uint8_t prot = 0;  // PROT_READ | PROT_WRITE | PROT_EXEC
  bool shared = false;
  uint32_t flags = 0;  // vma_flag::*
  uint64_t offset = 0;  // in the file, bytes
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  bool file = false;  // backed by a file (shared anonymous memory and SysV segments are files too)
  std::string path;   // the file (empty when not known), or "[vdso]", "[anon:NAME]"; empty for anonymous memory
  bool deleted = false;  // the file was deleted ("/dev/zero (deleted)" for shared anonymous memory)
  int pkey = 0;          // pkey_mprotect
  uint64_t policy = 0;   // mbind's mode and arguments as one key: 0 is the default policy
  // Which anonymous memory the pages belong to (the kernel's anon_vma): a mapping not written to
  // yet has none (0), and two neighbours with different ones stay apart. For a file known by
  // neither name nor inode, and shared anonymous memory, which mapping it came from.
  uint64_t anon_id = 0;

  uint64_t size() const { return end - start; }
  bool accessible() const { return prot != 0; }
};

struct LJMM_API LayoutTotals {
  uint64_t map_count = 0;  // mappings, as the kernel counts them (no [vsyscall])
  uint64_t accessible_bytes = 0;
  uint64_t reserved_bytes = 0;
  uint64_t locked_bytes = 0;
};

// What one event did to the address space.
struct LJMM_API LayoutChange {
  int64_t map_count = 0;
  int64_t accessible_bytes = 0;
  int64_t reserved_bytes = 0;
  uint64_t advised_away_bytes = 0;  // handed back by MADV_DONTNEED, MADV_FREE or MADV_REMOVE
};

// Where a start layout was read, and so from when the model is exact.
enum class LayoutSource {
  exec,    // at the process's exec, while it was stopped: exact from the exec
  attach,  // when tracing began (-p), or a stopped process: exact from `time_ns`
  late,    // after an exec, once user space could read it: exact from `time_ns` only
  fork,    // copied from the parent's at the fork
};
LJMM_API const char* layout_source_name(LayoutSource source);
LJMM_API std::optional<LayoutSource> layout_source_named(const std::string& name);

// A process's layout as read from the kernel (/proc/PID/smaps) at `time_ns`, on the events'
// clock. Calls that completed before it are in it; later ones are applied to it (again, which
// leaves what they set as it is: see AddressSpace::apply).
struct LJMM_API StartLayout {
  uint32_t pid = 0;  // in the tracer's PID namespace
  uint64_t time_ns = 0;
  LayoutSource source = LayoutSource::attach;
  bool stopped = false;  // every thread was stopped while it was read: nothing was changing it
  // What /proc said of the process at the read: its name and program, where the heap begins
  // (start_brk) and the stack (start_stack).
  ProcessInfo process;
  std::vector<Region> regions;
  // The machine's: its kernel release decides some flags (MAP_STACK is VM_NOHUGEPAGE from 6.7).
  SystemInfo system;
};

class LJMM_API AddressSpace {
 public:
  explicit AddressSpace(const StartLayout& layout);

  // Applies one traced call of the process as the kernel does: the calls completed, and those
  // that failed half way (an ENOMEM from mprotect or mlock after a gap, madvise past a hole).
  // Applying an event again leaves the layout as it was after it: a start layout read while
  // calls ran can take them again.
  LayoutChange apply(const trace::Event& event);
  // The child's at a fork: no MADV_DONTFORK mappings, no locks, no mlockall(MCL_FUTURE).
  AddressSpace fork_copy() const;

  const LayoutTotals& totals() const { return totals_; }
  // As /proc/PID/maps lists them, [heap] and [stack] named.
  std::vector<Region> regions() const;
  const std::map<uint64_t, Vma>& vmas() const { return vmas_; }
  std::optional<uint64_t> program_break() const { return brk_; }
  uint64_t start_brk() const { return start_brk_; }

 private:
  void insert(Vma vma);
  void remove(uint64_t start, uint64_t end);
  // An unmap that began before another thread's call was given part of its range ended after it
  // in the event stream: that part was free when given, so this unmap had already done its work
  // there and is not applied to it again.
  void remove_as_of(const trace::Event& unmap, uint64_t start, uint64_t end);
  void note_placement(const trace::Event& event, uint64_t start, uint64_t end);
  void split_at(uint64_t address);
  // Changes every mapping in [start, end) with `change`; `mapped_prefix_only` stops at the first hole.
  void modify(uint64_t start, uint64_t end, bool mapped_prefix_only, const std::function<void(Vma&)>& change);
  void merge_around(uint64_t start, uint64_t end);
  void count(const Vma& vma, int sign);
  uint64_t mapped_bytes(uint64_t start, uint64_t end) const;
  uint64_t next_anon_id() { return ++last_anon_id_; }

  void name_file(Vma& vma, const std::string& label);  // its path and deleted mark, or the one its inode had
  LayoutChange map(const trace::Event& event);
  LayoutChange remap(const trace::Event& event);
  LayoutChange move_brk(const trace::Event& event);
  LayoutChange protect(const trace::Event& event);
  LayoutChange advise(const trace::Event& event);
  LayoutChange lock(const trace::Event& event);
  LayoutChange lock_all(const trace::Event& event);
  LayoutChange attach_shm(const trace::Event& event);
  LayoutChange detach_shm(const trace::Event& event);
  LayoutChange change_file_pages(const trace::Event& event);
  LayoutChange bind(const trace::Event& event);

  std::map<uint64_t, Vma> vmas_;  // by start
  // Recent ranges the kernel gave a call because they were free (mmap without MAP_FIXED, a moving
  // mremap, shmat): when they ended, and in which thread.
  struct Placement {
    uint64_t start, end, time_ns;
    uint32_t tid;
  };
  std::deque<Placement> placements_;
  LayoutTotals totals_;
  // A file's path by its device and inode, from what named it: the start layout, earlier maps.
  std::map<std::tuple<uint32_t, uint32_t, uint64_t>, std::string> file_paths_;
  std::optional<uint64_t> brk_;
  uint64_t start_brk_ = 0;
  uint64_t start_stack_ = 0;
  bool stack_no_huge_page_ = false;  // the kernel gives MAP_STACK mappings VM_NOHUGEPAGE (6.7+)
  // /proc names [heap] a mapping that overlaps [start_brk, brk) (6.7+), before: that touches it.
  bool heap_overlap_only_ = true;
  bool lock_future_ = false;  // mlockall(MCL_FUTURE): new mappings are locked
  uint32_t future_flags_ = 0;
  uint64_t last_anon_id_ = 0;
};

// Every traced process's model: seeded by start layouts, copied at forks, dropped at execs
// (until the new program's layout is read) and exits.
class LJMM_API Film {
 public:
  // Seeds (or re-seeds) a process. Events of it that completed before layout.time_ns are in it.
  void add_layout(const StartLayout& layout);
  // Applies an event to its process's model; nullopt when the model does not know that process's
  // layout (not seeded yet, or an exec not yet followed by its new layout).
  std::optional<LayoutChange> apply(const trace::Event& event);
  const AddressSpace* find(uint32_t pid) const;
  // When the model of `pid` became exact, on the events' clock.
  std::optional<uint64_t> exact_from(uint32_t pid) const;

 private:
  struct Process {
    AddressSpace space;
    uint64_t exact_from_ns = 0;
    uint64_t apply_from_ns = 0;  // events that completed before this are in the start layout
  };
  std::map<uint32_t, Process> processes_;
};

}  // namespace ljmm::film
