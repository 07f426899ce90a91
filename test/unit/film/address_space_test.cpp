#include <gtest/gtest.h>
#include <linux/mman.h>
#include <sys/mman.h>

#include "ljmm/film.hpp"

namespace ljmm::film {
namespace {

using trace::Event;
using trace::Syscall;

constexpr uint64_t page = 4096;
constexpr uint64_t anon_private = MAP_PRIVATE | MAP_ANONYMOUS;

// A PIE program's layout as /proc/PID/maps gave it, with the break at the end of [heap].
StartLayout layout() {
  const char* text =
      "555555554000-555555555000 r--p 00000000 fe:01 100 /usr/bin/prog\n"
      "555555555000-555555556000 r-xp 00001000 fe:01 100 /usr/bin/prog\n"
      "555555557000-555555558000 rw-p 00003000 fe:01 100 /usr/bin/prog\n"
      "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
      "7ffff7dd0000-7ffff7df8000 r--p 00000000 fe:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";
  StartLayout start;
  start.pid = 7;
  start.regions = parse_maps(text).value();
  start.process.start_brk = 0x555555559000;
  start.process.start_stack = 0x7fffffffe000;
  return start;
}

Event call(Syscall syscall, std::array<uint64_t, 6> args, int64_t ret) {
  Event event;
  event.pid = 7;
  event.tid = 7;
  event.syscall = static_cast<int>(syscall);
  event.args = args;
  event.ret = ret;
  return event;
}

Event mmap_anon(uint64_t address, uint64_t length, uint64_t prot = PROT_READ | PROT_WRITE, uint64_t flags = anon_private) {
  return call(Syscall::mmap, {0, length, prot, flags, ~0ULL, 0}, static_cast<int64_t>(address));
}

// "start-end perms" of every mapping, one per line: what the tests compare.
std::string ranges(const AddressSpace& space, uint64_t from = 0, uint64_t to = UINT64_MAX) {
  std::string text;
  for (const Region& region : space.regions())
    if (region.start >= from && region.end <= to)
      text += format_maps_line(region).substr(0, format_maps_line(region).find(' ', 30)) + "\n";
  return text;
}

constexpr uint64_t free_area = 0x7f0000000000;  // nothing of the start layout is here

TEST(AddressSpace, CountsTheStartLayoutAsTheKernelDoes) {
  AddressSpace space(layout());
  EXPECT_EQ(space.totals().map_count, 6u);  // [vsyscall] is listed, but is no mapping of the process
  EXPECT_EQ(space.totals().accessible_bytes, 0x1000u * 3 + 0x21000 + 0x28000 + 0x21000);
  EXPECT_EQ(space.totals().reserved_bytes, 0u);
  EXPECT_EQ(space.program_break(), 0x55555557a000u);
  std::vector<Region> regions = space.regions();
  EXPECT_EQ(regions[3].kind, RegionKind::heap);
  EXPECT_EQ(regions[5].kind, RegionKind::stack);
  EXPECT_EQ(regions[6].kind, RegionKind::vsyscall);
  EXPECT_EQ(format_maps(regions), format_maps(layout().regions));
}

TEST(AddressSpace, NeighbouringAnonymousMapsMergeAndMprotectSplitsThem) {
  AddressSpace space(layout());
  space.apply(mmap_anon(free_area + 4 * page, 4 * page));
  space.apply(mmap_anon(free_area, 4 * page));  // below the first: one mapping
  EXPECT_EQ(ranges(space, free_area, free_area + 8 * page), "7f0000000000-7f0000008000 rw-p\n");
  LayoutChange change = space.apply(call(Syscall::mprotect, {free_area + 2 * page, page, PROT_NONE}, 0));
  EXPECT_EQ(change.map_count, 2);
  EXPECT_EQ(change.accessible_bytes, -static_cast<int64_t>(page));
  EXPECT_EQ(change.reserved_bytes, static_cast<int64_t>(page));
  EXPECT_EQ(ranges(space, free_area, free_area + 8 * page),
            "7f0000000000-7f0000002000 rw-p\n7f0000002000-7f0000003000 ---p\n7f0000003000-7f0000008000 rw-p\n");
  change = space.apply(call(Syscall::mprotect, {free_area + 2 * page, page, PROT_READ | PROT_WRITE}, 0));
  EXPECT_EQ(change.map_count, -2);
  EXPECT_EQ(space.totals().map_count, 7u);
}

TEST(AddressSpace, AnArenaGrowsInsideItsReservationWithMprotect) {
  // glibc's new_heap: 64 MiB reserved PROT_NONE, made writable piece by piece.
  AddressSpace space(layout());
  uint64_t arena = free_area, reserved = 64 << 20;
  space.apply(mmap_anon(arena, reserved, PROT_NONE, anon_private | MAP_NORESERVE));
  EXPECT_EQ(space.totals().reserved_bytes, reserved);
  space.apply(call(Syscall::mprotect, {arena, 33 * page, PROT_READ | PROT_WRITE}, 0));
  space.apply(call(Syscall::mprotect, {arena + 33 * page, 100 * page, PROT_READ | PROT_WRITE}, 0));
  EXPECT_EQ(space.totals().reserved_bytes, reserved - 133 * page);
  EXPECT_EQ(ranges(space, arena, arena + reserved), "7f0000000000-7f0000085000 rw-p\n7f0000085000-7f0004000000 ---p\n");
}

TEST(AddressSpace, MunmapAndMremapMoveAndCutMappings) {
  AddressSpace space(layout());
  space.apply(mmap_anon(free_area, 8 * page));
  space.apply(call(Syscall::munmap, {free_area + 2 * page, 2 * page}, 0));
  EXPECT_EQ(ranges(space, free_area, free_area + 8 * page),
            "7f0000000000-7f0000002000 rw-p\n7f0000004000-7f0000008000 rw-p\n");
  // Grown in place into the hole, then moved away, larger.
  space.apply(call(Syscall::mremap, {free_area, 2 * page, 3 * page, 0, 0}, static_cast<int64_t>(free_area)));
  EXPECT_EQ(ranges(space, free_area, free_area + 8 * page),
            "7f0000000000-7f0000003000 rw-p\n7f0000004000-7f0000008000 rw-p\n");
  uint64_t moved = free_area + (1 << 20);
  space.apply(call(Syscall::mremap, {free_area + 4 * page, 4 * page, 6 * page, MREMAP_MAYMOVE, 0}, static_cast<int64_t>(moved)));
  EXPECT_EQ(ranges(space, free_area, free_area + (2 << 20)),
            "7f0000000000-7f0000003000 rw-p\n7f0000100000-7f0000106000 rw-p\n");
}

TEST(AddressSpace, TheBreakGrowsAndShrinksTheHeap) {
  AddressSpace space(layout());
  space.apply(call(Syscall::brk, {0x55555559b000}, 0x55555559b000));
  EXPECT_EQ(ranges(space, 0x555555559000, 0x5555555a0000), "555555559000-55555559b000 rw-p\n");
  EXPECT_EQ(space.regions()[3].kind, RegionKind::heap);
  space.apply(call(Syscall::brk, {0x555555560800}, 0x555555560800));
  EXPECT_EQ(ranges(space, 0x555555559000, 0x5555555a0000), "555555559000-555555561000 rw-p\n");
  // A failed brk changes nothing, but says where the break is.
  space.apply(call(Syscall::brk, {0x5555555a0000}, 0x555555560800));
  EXPECT_EQ(space.program_break(), 0x555555560800u);
}

TEST(AddressSpace, AdviceSplitsOnlyWhenItSetsAFlag) {
  AddressSpace space(layout());
  space.apply(mmap_anon(free_area, 4 * page));
  LayoutChange freed = space.apply(call(Syscall::madvise, {free_area, 2 * page, MADV_DONTNEED}, 0));
  EXPECT_EQ(freed.map_count, 0);
  EXPECT_EQ(freed.advised_away_bytes, 2 * page);
  EXPECT_EQ(space.apply(call(Syscall::madvise, {free_area, page, MADV_DONTFORK}, 0)).map_count, 1);
  AddressSpace child = space.fork_copy();
  EXPECT_EQ(ranges(child, free_area, free_area + 4 * page), "7f0000001000-7f0000004000 rw-p\n");
  EXPECT_EQ(space.apply(call(Syscall::madvise, {free_area, page, MADV_DOFORK}, 0)).map_count, -1);
}

TEST(AddressSpace, LocksAreCountedAndNotInherited) {
  AddressSpace space(layout());
  space.apply(mmap_anon(free_area, 4 * page));
  space.apply(call(Syscall::mlock, {free_area + 10, page - 10}, 0));  // rounded out to the page
  EXPECT_EQ(space.totals().locked_bytes, page);
  EXPECT_EQ(space.totals().map_count, 8u);
  EXPECT_EQ(space.fork_copy().totals().locked_bytes, 0u);
  space.apply(call(Syscall::mlockall, {2 /* MCL_FUTURE */}, 0));  // unlocks what is mapped now
  EXPECT_EQ(space.totals().locked_bytes, 0u);
  space.apply(mmap_anon(free_area + (1 << 20), page));
  EXPECT_EQ(space.totals().locked_bytes, page);
  space.apply(call(Syscall::munlockall, {}, 0));
  EXPECT_EQ(space.totals().locked_bytes, 0u);
}

TEST(AddressSpace, AnMprotectThatMeetsAHoleChangesWhatCameBefore) {
  AddressSpace space(layout());
  space.apply(mmap_anon(free_area, 2 * page));
  space.apply(mmap_anon(free_area + 3 * page, 2 * page));
  space.apply(call(Syscall::mprotect, {free_area, 5 * page, PROT_READ}, -12 /* ENOMEM */));
  EXPECT_EQ(ranges(space, free_area, free_area + 5 * page),
            "7f0000000000-7f0000002000 r--p\n7f0000003000-7f0000005000 rw-p\n");
}

TEST(AddressSpace, SharedMemoryAttachesAndDetachesWhole) {
  AddressSpace space(layout());
  Event attach = call(Syscall::shmat, {42, 0, 0}, static_cast<int64_t>(free_area));
  attach.shm_size = 3 * page;
  attach.path = "/SYSV00000000";
  space.apply(attach);
  EXPECT_EQ(ranges(space, free_area, free_area + 3 * page), "7f0000000000-7f0000003000 rw-s\n");
  space.apply(call(Syscall::shmdt, {free_area}, 0));
  EXPECT_EQ(space.totals().map_count, 6u);
}

// Thread 8 unmapped a range (its call ended late), thread 9 was given part of it meanwhile (so it
// was free): the late unmap must not take thread 9's mapping away.
TEST(AddressSpace, AnUnmapThatEndedLateLeavesWhatAnotherThreadWasGivenSince) {
  AddressSpace space(layout());
  space.apply(mmap_anon(free_area, 8 * page, PROT_NONE));
  Event given = mmap_anon(free_area + 4 * page, 4 * page, PROT_NONE);
  given.tid = 9;
  given.time_ns = 2000;
  given.duration_ns = 100;
  space.apply(given);
  Event unmap = call(Syscall::munmap, {free_area + 4 * page, 4 * page}, 0);
  unmap.tid = 8;
  unmap.time_ns = 2500;
  unmap.duration_ns = 1000;  // began at 1500, before thread 9 was given the range
  space.apply(unmap);
  EXPECT_EQ(ranges(space, free_area, free_area + 8 * page), "7f0000000000-7f0000008000 ---p\n");
  unmap.time_ns = 5000;  // one that began after: it unmaps
  space.apply(unmap);
  EXPECT_EQ(ranges(space, free_area, free_area + 8 * page), "7f0000000000-7f0000004000 ---p\n");
}

TEST(AddressSpace, EveryCallAppliedTwiceLeavesTheLayoutOfOnce) {
  std::vector<Event> calls = {
      mmap_anon(free_area, 16 * page),
      call(Syscall::mprotect, {free_area + page, page, PROT_NONE}, 0),
      call(Syscall::munmap, {free_area + 4 * page, page}, 0),
      call(Syscall::mremap, {free_area + 8 * page, 4 * page, 8 * page, MREMAP_MAYMOVE, 0}, static_cast<int64_t>(free_area + (1 << 20))),
      call(Syscall::brk, {0x5555555a0000}, 0x5555555a0000),
      call(Syscall::madvise, {free_area, page, MADV_WIPEONFORK}, 0),
      call(Syscall::mlock, {free_area + 2 * page, page}, 0),
  };
  AddressSpace once(layout()), twice(layout());
  for (const Event& event : calls) {
    once.apply(event);
    twice.apply(event);
    twice.apply(event);
  }
  EXPECT_EQ(format_maps(twice.regions()), format_maps(once.regions()));
  EXPECT_EQ(twice.totals().map_count, once.totals().map_count);
}

}  // namespace
}  // namespace ljmm::film
