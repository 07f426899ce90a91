// What each traced call does to the mappings, as mm/ does it. Every change "sets" a range (maps
// it, unmaps it, gives it permissions or flags), so applying a call a second time changes nothing:
// a start layout read while calls ran can take them again (film.hpp).
#include <linux/mman.h>
#include <sys/mman.h>

#include <algorithm>

#include "film/calls.hpp"
#include "ljmm/film.hpp"

namespace ljmm::film {

using namespace vma_flag;

namespace {

using trace::Event;
using trace::Syscall;

constexpr uint64_t page = 4096;  // x86-64's: every length the kernel takes is rounded to it
constexpr int64_t enomem = -12;

uint64_t page_up(uint64_t size) { return size > UINT64_MAX - page ? UINT64_MAX & ~(page - 1) : (size + page - 1) & ~(page - 1); }
uint64_t page_down(uint64_t address) { return address & ~(page - 1); }
uint64_t end_of(uint64_t start, uint64_t length) { return length > UINT64_MAX - start ? UINT64_MAX : start + length; }

uint8_t prot_of(uint64_t prot) { return static_cast<uint8_t>(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)); }

// An mmap's length, as the kernel rounds it: huge pages round to their size.
uint64_t mapped_length(uint64_t length, uint64_t flags) {
  if (!(flags & MAP_HUGETLB)) return page_up(length);
  uint64_t log2 = (flags >> detail::map_huge_shift) & detail::map_huge_mask;
  uint64_t huge = uint64_t{1} << (log2 ? log2 : detail::default_huge_page_log2);
  return length > UINT64_MAX - huge ? length : (length + huge - 1) & ~(huge - 1);
}

LayoutChange difference(const LayoutTotals& before, const LayoutTotals& after) {
  LayoutChange change;
  change.map_count = static_cast<int64_t>(after.map_count) - static_cast<int64_t>(before.map_count);
  change.accessible_bytes = static_cast<int64_t>(after.accessible_bytes - before.accessible_bytes);
  change.reserved_bytes = static_cast<int64_t>(after.reserved_bytes - before.reserved_bytes);
  return change;
}

}  // namespace

LayoutChange AddressSpace::apply(const Event& event) {
  if (event.kind != trace::EventKind::syscall || event.unfinished) return {};
  LayoutTotals before = totals_;
  LayoutChange extra;
  switch (static_cast<Syscall>(event.syscall)) {
    case Syscall::mmap: extra = map(event); break;
    case Syscall::munmap:
      if (!event.failed()) remove_as_of(event, event.args[0], end_of(event.args[0], page_up(event.args[1])));
      break;
    case Syscall::mremap: extra = remap(event); break;
    case Syscall::brk: extra = move_brk(event); break;
    case Syscall::mprotect:
    case Syscall::pkey_mprotect: extra = protect(event); break;
    case Syscall::madvise: extra = advise(event); break;
    case Syscall::mlock:
    case Syscall::mlock2:
    case Syscall::munlock:
    case Syscall::mseal: extra = lock(event); break;
    case Syscall::mlockall:
    case Syscall::munlockall: extra = lock_all(event); break;
    case Syscall::shmat: extra = attach_shm(event); break;
    case Syscall::shmdt: extra = detach_shm(event); break;
    case Syscall::remap_file_pages: extra = change_file_pages(event); break;
    case Syscall::mbind: extra = bind(event); break;
    case Syscall::process_madvise: break;  // another process's pages; only hints are allowed
  }
  LayoutChange change = difference(before, totals_);
  change.advised_away_bytes = extra.advised_away_bytes;
  return change;
}

void AddressSpace::note_placement(const Event& event, uint64_t start, uint64_t end) {
  constexpr size_t kept = 256;  // far more calls than can overlap in flight
  placements_.push_back(Placement{start, end, event.time_ns, event.tid});
  if (placements_.size() > kept) placements_.pop_front();
}

void AddressSpace::remove_as_of(const Event& unmap, uint64_t start, uint64_t end) {
  uint64_t began = unmap.time_ns - std::min(unmap.duration_ns, unmap.time_ns);
  std::vector<std::pair<uint64_t, uint64_t>> kept;  // given to others after this unmap began
  for (const Placement& placed : placements_)
    if (placed.time_ns > began && placed.tid != unmap.tid && placed.start < end && placed.end > start)
      kept.emplace_back(std::max(placed.start, start), std::min(placed.end, end));
  std::sort(kept.begin(), kept.end());
  uint64_t cursor = start;
  for (const auto& [from, to] : kept) {
    if (from > cursor) remove(cursor, from);
    cursor = std::max(cursor, to);
  }
  if (cursor < end) remove(cursor, end);
}

LayoutChange AddressSpace::map(const Event& event) {
  if (event.failed()) return {};
  const auto& a = event.args;
  Vma vma;
  vma.start = static_cast<uint64_t>(event.ret);
  vma.end = end_of(vma.start, mapped_length(a[1], a[3]));
  vma.prot = prot_of(a[2]);
  uint64_t type = a[3] & MAP_TYPE;
  vma.shared = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
  bool anonymous = (a[3] & MAP_ANONYMOUS) != 0;
  if (!anonymous || vma.shared) {
    vma.file = true;
    vma.inode = event.mapped_file.inode;
    vma.dev_major = event.mapped_file.dev_major;
    vma.dev_minor = event.mapped_file.dev_minor;
  }
  if (!anonymous) {
    vma.offset = event.ia32_syscall == trace::ia32_mmap2 ? a[5] * trace::ia32_mmap2_offset_unit : a[5];
    name_file(vma, event.path);
  } else if (vma.shared) {  // shared anonymous memory is a file of its own, shown as deleted
    vma.path = "/dev/zero";
    vma.deleted = true;
    if (vma.inode == 0) vma.anon_id = next_anon_id();
  }
  if (a[3] & MAP_GROWSDOWN) vma.flags |= grows_down;
  if ((a[3] & MAP_STACK) && stack_no_huge_page_) vma.flags |= no_huge_page;
  if (a[3] & MAP_NORESERVE) vma.flags |= no_reserve;
  if (!vma.shared && (vma.prot & PROT_WRITE) && !(a[3] & (MAP_NORESERVE | MAP_HUGETLB))) vma.flags |= accounted;
  if (a[3] & MAP_LOCKED) vma.flags |= locked;
  if (lock_future_) vma.flags |= future_flags_;
  // Without MAP_FIXED the kernel chose a free range (MAP_FIXED_NOREPLACE fails unless it is free).
  if (!(a[3] & MAP_FIXED) || (a[3] & MAP_FIXED_NOREPLACE) == MAP_FIXED_NOREPLACE)
    note_placement(event, vma.start, vma.end);
  insert(std::move(vma));
  return {};
}

LayoutChange AddressSpace::remap(const Event& event) {
  if (event.failed()) return {};
  const auto& a = event.args;
  uint64_t old_start = a[0], old_size = page_up(a[1]), new_size = page_up(a[2]);
  uint64_t new_start = static_cast<uint64_t>(event.ret);
  // The pieces of the old range, as they were.
  std::vector<Vma> pieces;
  auto first = vmas_.upper_bound(old_start);
  if (first != vmas_.begin() && std::prev(first)->second.end > old_start) --first;
  uint64_t old_end = end_of(old_start, old_size == 0 ? 1 : old_size);
  for (auto it = first; it != vmas_.end() && it->first < old_end; ++it) pieces.push_back(it->second);
  if (pieces.empty()) return {};  // nothing there: the move is already in the layout it was read from
  if (old_size == 0) {  // a second mapping of the same shared pages; the old one stays
    Vma copy = pieces.front();
    copy.offset += old_start - copy.start;
    copy.start = new_start;
    copy.end = end_of(new_start, new_size);
    insert(std::move(copy));
    return {};
  }
  if (!(a[3] & MREMAP_DONTUNMAP)) remove_as_of(event, old_start, end_of(old_start, old_size));
  if (new_start != old_start && !(a[3] & MREMAP_FIXED)) note_placement(event, new_start, end_of(new_start, new_size));
  // Rebuild at the new place: each piece moved by the same distance, the last one stretched or cut.
  uint64_t new_end = end_of(new_start, new_size);
  for (Vma& piece : pieces) {
    uint64_t from = std::max(piece.start, old_start), to = std::min(piece.end, end_of(old_start, old_size));
    if (!piece.path.empty() || piece.shared) piece.offset += from - piece.start;
    piece.start = new_start + (from - old_start);
    piece.end = std::min(new_start + (to - old_start), new_end);
  }
  if (new_size > old_size) pieces.back().end = new_end;
  for (Vma& piece : pieces)
    if (piece.start < piece.end) insert(std::move(piece));
  return {};
}

LayoutChange AddressSpace::move_brk(const Event& event) {
  auto now = static_cast<uint64_t>(event.ret);
  if (event.failed() || event.args[0] == 0 || !brk_) {  // the break is where the kernel says it is
    brk_ = now;
    return {};
  }
  uint64_t old_end = page_up(*brk_), new_end = page_up(now);
  if (new_end > old_end) {
    Vma heap;
    heap.start = old_end;
    heap.end = new_end;
    heap.prot = PROT_READ | PROT_WRITE;
    heap.flags = accounted | (lock_future_ ? future_flags_ : 0);
    insert(std::move(heap));
  } else if (new_end < old_end) {
    remove(new_end, old_end);
  }
  brk_ = now;
  return {};
}

LayoutChange AddressSpace::protect(const Event& event) {
  if (event.failed() && event.ret != enomem) return {};
  uint64_t start = event.args[0], end = end_of(start, page_up(event.args[1]));
  uint8_t prot = prot_of(event.args[2]);
  bool with_key = event.is(Syscall::pkey_mprotect) && static_cast<int64_t>(event.args[3]) != -1;
  int key = static_cast<int>(event.args[3]);
  modify(start, end, true, [&](Vma& vma) {
    // Writable private memory is committed, and stays so when write goes (mprotect_fixup).
    if ((prot & PROT_WRITE) && !vma.shared && !(vma.flags & no_reserve)) vma.flags |= accounted;
    vma.prot = prot;
    if (with_key) vma.pkey = key;
  });
  return {};
}

uint64_t AddressSpace::mapped_bytes(uint64_t start, uint64_t end) const {
  uint64_t bytes = 0;
  auto it = vmas_.upper_bound(start);
  if (it != vmas_.begin()) --it;
  for (; it != vmas_.end() && it->first < end; ++it)
    if (it->second.end > start) bytes += std::min(it->second.end, end) - std::max(it->second.start, start);
  return bytes;
}

LayoutChange AddressSpace::advise(const Event& event) {
  if (event.failed() && event.ret != enomem) return {};  // ENOMEM: a hole, the mapped parts took it
  const detail::Advice* advice = detail::find_advice(event.args[2]);
  if (!advice) return {};
  uint64_t start = event.args[0], end = end_of(start, page_up(event.args[1]));
  LayoutChange change;
  switch (advice->effect) {
    case detail::AdviceEffect::none: break;
    case detail::AdviceEffect::frees:
      change.advised_away_bytes = mapped_bytes(start, end);
      break;
    case detail::AdviceEffect::set_flag:
      modify(start, end, false, [&](Vma& vma) { vma.flags = (vma.flags & ~advice->also_clears) | advice->flag; });
      break;
    case detail::AdviceEffect::clear_flag:
      modify(start, end, false, [&](Vma& vma) { vma.flags &= ~(advice->flag | advice->also_clears); });
      break;
  }
  return change;
}

// mlock, mlock2, munlock and mseal: a flag on a range. Locks skip special mappings; mseal takes
// the whole range or nothing.
LayoutChange AddressSpace::lock(const Event& event) {
  bool seal = event.is(Syscall::mseal);
  if (event.failed() && (seal || event.ret != enomem)) return {};
  uint64_t start = seal ? event.args[0] : page_down(event.args[0]);
  uint64_t end = end_of(start, page_up(event.args[1] + (seal ? 0 : event.args[0] - start)));
  uint32_t set = seal ? sealed : 0, clear = 0;
  if (event.is(Syscall::mlock)) set = locked;
  if (event.is(Syscall::mlock2)) set = locked | ((event.args[2] & detail::mlock_onfault) ? lock_on_fault : 0);
  if (event.is(Syscall::munlock)) clear = locked | lock_on_fault;
  modify(start, end, true, [&](Vma& vma) {
    if (!seal && (vma.flags & special)) return;
    vma.flags = (vma.flags & ~clear) | set;
  });
  return {};
}

LayoutChange AddressSpace::lock_all(const Event& event) {
  if (event.failed()) return {};
  uint64_t how = event.is(Syscall::munlockall) ? 0 : event.args[0];
  uint32_t add = locked | ((how & detail::mcl_onfault) ? lock_on_fault : 0);
  // Every mapping loses its lock unless MCL_CURRENT locks it again (mlockall(MCL_FUTURE) alone
  // unlocks what is mapped now).
  uint32_t now = (how & detail::mcl_current) ? add : 0;
  lock_future_ = (how & detail::mcl_future) != 0;
  future_flags_ = lock_future_ ? add : 0;
  if (vmas_.empty()) return {};
  modify(vmas_.begin()->first, std::prev(vmas_.end())->second.end, false, [&](Vma& vma) {
    if (vma.flags & (special | gate)) return;
    vma.flags = (vma.flags & ~(locked | lock_on_fault)) | now;
  });
  return {};
}

LayoutChange AddressSpace::attach_shm(const Event& event) {
  if (event.failed() || event.shm_size == 0) return {};
  Vma vma;
  vma.start = static_cast<uint64_t>(event.ret);
  vma.end = end_of(vma.start, page_up(event.shm_size));
  vma.shared = true;
  vma.prot = static_cast<uint8_t>(PROT_READ | ((event.args[2] & detail::shm_rdonly) ? 0 : PROT_WRITE) |
                                  ((event.args[2] & detail::shm_exec) ? PROT_EXEC : 0));
  vma.file = true;
  vma.inode = event.mapped_file.inode;
  vma.dev_major = event.mapped_file.dev_major;
  vma.dev_minor = event.mapped_file.dev_minor;
  name_file(vma, event.path);
  vma.deleted = true;  // a SysV segment's file is never linked anywhere
  if (vma.inode == 0) vma.anon_id = next_anon_id();
  if (lock_future_) vma.flags |= future_flags_;
  if (event.args[1] == 0) note_placement(event, vma.start, vma.end);
  insert(std::move(vma));
  return {};
}

// The segment attached at the address goes, all of it (ipc/shm.c: the mappings of that file
// from the address on).
LayoutChange AddressSpace::detach_shm(const Event& event) {
  if (event.failed()) return {};
  auto it = vmas_.find(event.args[0]);
  if (it == vmas_.end() || !it->second.shared || !it->second.file) return {};
  const Vma& first = it->second;
  uint64_t end = first.end;
  for (auto next = std::next(it); next != vmas_.end() && next->first == end; ++next) {
    const Vma& piece = next->second;
    bool same = piece.file && piece.inode == first.inode && piece.anon_id == first.anon_id && piece.path == first.path;
    if (!same) break;
    end = piece.end;
  }
  remove(event.args[0], end);
  return {};
}

LayoutChange AddressSpace::change_file_pages(const Event& event) {
  if (event.failed()) return {};
  uint64_t start = page_down(event.args[0]), end = end_of(start, page_up(event.args[1]));
  uint64_t offset = event.args[3] * page;
  modify(start, end, false, [&](Vma& vma) { vma.offset = offset + (vma.start - start); });
  return {};
}

LayoutChange AddressSpace::bind(const Event& event) {
  if (event.failed()) return {};
  uint64_t start = event.args[0], end = end_of(start, page_up(event.args[1]));
  // The policy's identity: its mode and the nodes' mask as given (the mask itself is not read).
  uint64_t policy = (event.args[2] & 0xffff) == 0 ? 0 : ((event.args[2] << 48) ^ event.args[3] ^ (event.args[4] << 32));
  modify(start, end, false, [&](Vma& vma) { vma.policy = policy; });
  return {};
}

}  // namespace ljmm::film
