// A program that only wants the model: it parses a maps text and explains its own layout.
#include <ljmm/analysis.hpp>
#include <ljmm/maps.hpp>

#include <cstdio>

int main() {
  auto regions = ljmm::parse_maps(
      "00400000-00401000 r-xp 00000000 fe:00 7 /bin/p\n"
      "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n");
  if (!regions || regions->size() != 2) return 1;
  auto snapshot = ljmm::snapshot_pid(ljmm::parse_pid("self").value());
  if (!snapshot) return 1;
  ljmm::Analysis analysis = ljmm::analyze(std::move(snapshot).value());
  std::printf("parsed %zu regions; this process has %zu regions and %zu findings\n", regions->size(),
              analysis.snapshot.regions.size(), analysis.findings().size());
  return 0;
}
