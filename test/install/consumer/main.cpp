// A program outside the tree that uses an installed libljmm: it prints its own heap segment.
#include <ljmm/analysis.hpp>
#include <ljmm/version.hpp>

#include <cstdio>
#include <cstdlib>

int main() {
  void* block = std::malloc(1000);
  auto snapshot = ljmm::snapshot_pid(ljmm::parse_pid("self").value());
  if (!snapshot) return 1;
  ljmm::Analysis analysis = ljmm::analyze(std::move(snapshot).value());
  for (size_t i = 0; i < analysis.snapshot.regions.size(); ++i) {
    if (analysis.snapshot.regions[i].contains(reinterpret_cast<uintptr_t>(block)))
      std::printf("ljmm %s: block in %s\n", ljmm::version(), ljmm::segment_id(analysis.layout.segment_of[i]));
  }
  std::free(block);
  return 0;
}
