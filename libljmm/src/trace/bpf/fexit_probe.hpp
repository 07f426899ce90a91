// Whether fexit programs can attach to given kernel functions: a do-nothing program is loaded and
// attached to each (how libbpf-tools decide between fentry and kprobes), since BTF having the
// function does not mean the kernel lets a program attach (lockdown, a missing BPF trampoline,
// a security module).
#pragma once

#include <string>
#include <vector>

#include "ljmm/result.hpp"

namespace ljmm::trace::detail {

// The functions this kernel does not have (a call newer than the kernel, whose programs are left
// out) when every other one takes a fexit program; else why the first one does not.
Result<std::vector<std::string>> probe_fexit(const std::vector<std::string>& functions);

}  // namespace ljmm::trace::detail
