// The runtime's cost against raw mmap, and against LuaJIT's own hint probing in a crowded window.
// Run: build/bench/runtime_bench [--benchmark_repetitions=5 --benchmark_report_aggregates_only=true]
//
// The fast-path benchmarks run first, in an empty window. The crowded ones then take
// [1 GiB, 2 GiB) (MAP_32BIT's range) and cut the rest of the window into holes of 256 KiB to
// 2 MiB between blocks of 1 to 7 MiB (a fixed pseudo-random pattern), so every low request needs
// a placement. Each iteration maps a batch of 256 blocks of 64 KiB and keeps them, as an
// allocator filling memory does, then unmaps the batch.
#include <fmt/format.h>
#include <sys/mman.h>

#include <fstream>
#include <random>
#include <string>

#include "bench_support.hpp"
#include "ljmm/runtime.h"

namespace {

constexpr size_t request = 64 * 1024;
constexpr uintptr_t MiB = 1 << 20, GiB = uintptr_t{1} << 30;
constexpr int low_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT;

void raw_mmap_munmap(benchmark::State& state, int flags) {
  for (auto _ : state) {
    void* p = mmap(nullptr, request, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return state.SkipWithError("mmap failed");
    munmap(p, request);
  }
}

void ljmm_mmap_munmap(benchmark::State& state, int flags) {
  for (auto _ : state) {
    void* p = ljmm_mmap(nullptr, request, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return state.SkipWithError("ljmm_mmap failed");
    ljmm_munmap(p, request);
  }
}

void crowd_window() {
  static bool crowded = false;
  if (crowded) return;
  crowded = true;
  uintptr_t start, end;
  ljmm_get_window(&start, &end);
  mmap(reinterpret_cast<void*>(GiB), GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  std::mt19937_64 random(7);
  for (uintptr_t at = 16 * MiB; at < GiB;) {
    uintptr_t block = (1 + random() % 7) * MiB, hole = (64 + random() % 449) * 4096;
    if (at + block > GiB) block = GiB - at;
    mmap(reinterpret_cast<void*>(at), block, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
         -1, 0);
    at += block + hole;
  }
}

constexpr int batch = 256;

// Maps a batch with `map_one` (nullptr = failed), unmaps it; counts what was found.
template <class MapOne>
void batches(benchmark::State& state, MapOne map_one) {
  crowd_window();
  void* kept[batch];
  int64_t found = 0, asked = 0;
  for (auto _ : state) {
    int count = 0;
    for (int i = 0; i < batch; ++i)
      if (void* p = map_one()) kept[count++] = p;
    found += count;
    asked += batch;
    for (int i = 0; i < count; ++i) munmap(kept[i], request);
  }
  state.SetItemsProcessed(asked);
  state.counters["found_%"] = 100.0 * static_cast<double>(found) / static_cast<double>(std::max<int64_t>(asked, 1));
}

void crowded_raw(benchmark::State& state) {
  batches(state, [] {
    void* p = mmap(nullptr, request, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  });
}

void crowded_ljmm_fallback(benchmark::State& state) {
  ljmm_stats before{}, after{};
  ljmm_get_stats(&before);
  batches(state, [] {
    void* p = ljmm_mmap(nullptr, request, PROT_READ | PROT_WRITE, low_flags, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  });
  ljmm_get_stats(&after);
  state.counters["scans_per_request"] =
      static_cast<double>(after.scans - before.scans) / static_cast<double>(std::max<uint64_t>(after.low_requests - before.low_requests, 1));
}

// The worst case: the gap cache forgotten before every request (ljmm_set_window does that), so
// each placement reads /proc/self/maps (~500 lines here).
void crowded_ljmm_scan_every_time(benchmark::State& state) {
  uintptr_t start, end;
  ljmm_get_window(&start, &end);
  batches(state, [&] {
    ljmm_set_window(start, end);
    void* p = ljmm_mmap(nullptr, request, PROT_READ | PROT_WRITE, low_flags, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  });
}

// LuaJIT's strategy when MAP_32BIT fails (lj_alloc.c, mmap_probe), written out here: up to 30
// mmap calls with a hint, keeping the result only when it lies below 2 GiB; first 5 linear steps of
// 16 MiB after the last hit, then one without a hint, then random page-aligned hints.
void* probe_like_luajit(std::mt19937_64& random, uintptr_t& hint, int& tries) {
  for (int attempt = 0; attempt < 30; ++attempt) {
    ++tries;
    void* p = mmap(reinterpret_cast<void*>(hint), request, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    auto at = reinterpret_cast<uintptr_t>(p);
    if (p != MAP_FAILED && at >= 0x4000 && at + request <= 2 * GiB) {
      hint = at + request;
      return p;
    }
    if (p != MAP_FAILED) munmap(p, request);
    if (hint && attempt < 5) {
      hint += 16 * MiB;
      if (hint + request > 2 * GiB) hint = 0;
    } else if (hint && attempt == 5) {
      hint = 0;
    } else {
      do hint = random() & ((2 * GiB - 1) & ~uintptr_t{4095});
      while (hint < 0x4000);
    }
  }
  return nullptr;
}

void crowded_luajit_probing(benchmark::State& state) {
  std::mt19937_64 random(42);
  uintptr_t hint = 0;
  int tries = 0, requests = 0;
  batches(state, [&] {
    ++requests;
    return probe_like_luajit(random, hint, tries);
  });
  state.counters["mmap_calls_per_request"] = static_cast<double>(tries) / std::max(1, requests);
}

// --- With the window reserved, at a given number of mappings in the process.

size_t mappings_now() {
  std::ifstream maps("/proc/self/maps");
  size_t lines = 0;
  for (std::string line; std::getline(maps, line);) ++lines;
  return lines;
}

// Adds mappings until the process has `count`: single pages made PROT_READ in a PROT_NONE region
// far above the window, each splitting it into two more mappings.
void grow_mappings_to(size_t count) {
  constexpr size_t pages = 70000;
  static char* region = nullptr;
  static size_t next_page = 1;
  if (!region)
    region = static_cast<char*>(mmap(nullptr, pages * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  for (size_t now = mappings_now(); now + 1 < count && next_page < pages; now += 2, next_page += 2)
    mprotect(region + next_page * 4096, 4096, PROT_READ);
}

void reserve_window_once() {
  static bool reserved = false;
  if (!reserved) reserved = ljmm_reserve(LJMM_RESERVE_WINDOW) == 0;
}

void raw_at_mappings(benchmark::State& state, size_t count) {
  grow_mappings_to(count);
  state.counters["mappings"] = static_cast<double>(mappings_now());
  raw_mmap_munmap(state, MAP_PRIVATE | MAP_ANONYMOUS);
}

void reserved_at_mappings(benchmark::State& state, size_t count) {
  crowd_window();
  reserve_window_once();
  grow_mappings_to(count);
  ljmm_stats before{}, after{};
  ljmm_get_stats(&before);
  ljmm_mmap_munmap(state, low_flags);
  ljmm_get_stats(&after);
  state.counters["mappings"] = static_cast<double>(mappings_now());
  state.counters["scans_per_request"] = static_cast<double>(after.scans - before.scans) /
                                        static_cast<double>(std::max<uint64_t>(after.low_requests - before.low_requests, 1));
}

// --- At 65,000 mappings, in the mode LJMM_RESERVE chose at start-up (none, brk-block, window)
// and with the maps walked as LJMM_READ_MAPS_TEXT says: bench/runtime_scale.sh runs each.

constexpr size_t scale_mappings = 65000;

void at_scale_raw(benchmark::State& state) {
  crowd_window();
  grow_mappings_to(scale_mappings);
  state.counters["mappings"] = static_cast<double>(mappings_now());
  raw_mmap_munmap(state, MAP_PRIVATE | MAP_ANONYMOUS);
}

// `forget`: the gap cache dropped before every request (ljmm_set_window does that), so each
// placement walks the maps: the cost of the first request, or of one after another mapper won.
void at_scale_ljmm(benchmark::State& state, bool forget) {
  crowd_window();
  grow_mappings_to(scale_mappings);
  uintptr_t start, end;
  ljmm_get_window(&start, &end);
  ljmm_stats before{}, after{};
  ljmm_get_stats(&before);
  for (auto _ : state) {
    if (forget) ljmm_set_window(start, end);
    void* p = ljmm_mmap(nullptr, request, PROT_READ | PROT_WRITE, low_flags, -1, 0);
    if (p == MAP_FAILED) return state.SkipWithError("ljmm_mmap failed");
    ljmm_munmap(p, request);
  }
  ljmm_get_stats(&after);
  state.counters["mappings"] = static_cast<double>(mappings_now());
  state.counters["scans_per_request"] = static_cast<double>(after.scans - before.scans) /
                                        static_cast<double>(std::max<uint64_t>(after.low_requests - before.low_requests, 1));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RegisterBenchmark("raw mmap+munmap, MAP_32BIT", raw_mmap_munmap, low_flags);
  benchmark::RegisterBenchmark("ljmm fast path, MAP_32BIT", ljmm_mmap_munmap, low_flags);
  benchmark::RegisterBenchmark("raw mmap+munmap", raw_mmap_munmap, MAP_PRIVATE | MAP_ANONYMOUS);
  benchmark::RegisterBenchmark("ljmm pass-through (not low)", ljmm_mmap_munmap, MAP_PRIVATE | MAP_ANONYMOUS);
  benchmark::RegisterBenchmark("crowded: raw mmap+munmap", crowded_raw);
  benchmark::RegisterBenchmark("crowded: ljmm fallback placement+munmap", crowded_ljmm_fallback);
  benchmark::RegisterBenchmark("crowded: ljmm placement, maps read every time", crowded_ljmm_scan_every_time);
  benchmark::RegisterBenchmark("crowded: LuaJIT-style probing+munmap", crowded_luajit_probing);
  // Last: the reservation stays for the rest of the process. "at 25" is as few as this process has.
  std::map<std::string, std::string> baselines = {
      {"ljmm fast path, MAP_32BIT", "raw mmap+munmap, MAP_32BIT"},
      {"ljmm pass-through (not low)", "raw mmap+munmap"},
      {"crowded: ljmm fallback placement+munmap", "crowded: raw mmap+munmap"},
      {"crowded: ljmm placement, maps read every time", "crowded: raw mmap+munmap"},
      {"crowded: LuaJIT-style probing+munmap", "crowded: raw mmap+munmap"}};
  for (size_t count : {size_t{25}, size_t{4000}, size_t{65000}}) {
    std::string raw = fmt::format("raw mmap+munmap at {} mappings", count);
    std::string reserved = fmt::format("window reserved: ljmm placement+munmap at {} mappings", count);
    benchmark::RegisterBenchmark(raw.c_str(), raw_at_mappings, count);
    benchmark::RegisterBenchmark(reserved.c_str(), reserved_at_mappings, count);
    baselines[reserved] = raw;
  }
  // bench/runtime_scale.sh runs these alone (--benchmark_filter='^at 65000'), once per mode; in a
  // run of everything they come last and measure the window reserved above.
  benchmark::RegisterBenchmark("at 65000 mappings: raw mmap+munmap", at_scale_raw);
  benchmark::RegisterBenchmark("at 65000 mappings: ljmm MAP_32BIT+munmap", at_scale_ljmm, false);
  benchmark::RegisterBenchmark("at 65000 mappings: ljmm MAP_32BIT+munmap, gaps forgotten", at_scale_ljmm, true);
  baselines["at 65000 mappings: ljmm MAP_32BIT+munmap"] = "at 65000 mappings: raw mmap+munmap";
  baselines["at 65000 mappings: ljmm MAP_32BIT+munmap, gaps forgotten"] = "at 65000 mappings: raw mmap+munmap";
  ljmm::bench::RatioReporter reporter(baselines);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
