// Whether fexit programs can attach to given kernel functions: a do-nothing program is loaded and
// attached to the first one the kernel's BTF has (how libbpf-tools decide between fentry and
// kprobes), since BTF having the function does not mean the kernel lets a program attach
// (lockdown, a missing BPF trampoline, a security module). The others are looked up in BTF only:
// what refuses one entry point refuses them all, and each attach and detach costs the kernel a
// round of text patching and an RCU-tasks grace period (about 0.1 s each in a guest), which a
// probe of every function paid twice over.
#pragma once

#include <string>
#include <vector>

#include "ljmm/result.hpp"

namespace ljmm::trace::detail {

// The functions this kernel does not have (a call newer than the kernel, whose programs are left
// out) when the first one it has takes a fexit program; else why it does not.
Result<std::vector<std::string>> probe_fexit(const std::vector<std::string>& functions);

}  // namespace ljmm::trace::detail
