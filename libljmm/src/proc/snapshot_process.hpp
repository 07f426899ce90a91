// snapshot_pid's work once the process's stat and names are read: ljmm-inspect --all reads them
// first, to count kernel threads without reading their stat a second time.
#pragma once

#include "ljmm/snapshot.hpp"

namespace ljmm::detail {

// The snapshot of `pid`, whose ProcessInfo (not a kernel thread's) is `info`.
Result<Snapshot> snapshot_process(int pid, ProcessInfo info, const SnapshotOptions& options);

}  // namespace ljmm::detail
