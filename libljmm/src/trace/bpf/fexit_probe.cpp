#include "trace/bpf/fexit_probe.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace ljmm::trace::detail {

namespace {

using Btf = std::unique_ptr<btf, decltype(&btf__free)>;

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status try_fexit(int id, const std::string& function) {
  // r0 = 0; exit
  const bpf_insn program[] = {
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .src_reg = 0, .off = 0, .imm = 0},
      {.code = BPF_JMP | BPF_EXIT, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0}};
  LIBBPF_OPTS(bpf_prog_load_opts, options, .expected_attach_type = BPF_TRACE_FEXIT,
              .attach_btf_id = static_cast<__u32>(id));
  Fd loaded{bpf_prog_load(BPF_PROG_TYPE_TRACING, "ljmm_probe", "GPL", program, 2, &options)};
  if (loaded.fd < 0)
    return make_error(Errc::unsupported,
                      fmt::format("loading a fexit program on {} failed: {}", function, std::strerror(-loaded.fd)));
  Fd attached{bpf_raw_tracepoint_open(nullptr, loaded.fd)};
  if (attached.fd < 0)
    return make_error(Errc::unsupported,
                      fmt::format("attaching a fexit program to {} failed: {}", function, std::strerror(-attached.fd)));
  return {};
}

}  // namespace

Result<std::vector<std::string>> probe_fexit(const std::vector<std::string>& functions) {
  Btf vmlinux(btf__load_vmlinux_btf(), &btf__free);
  if (!vmlinux) return make_error(Errc::unsupported, fmt::format("no kernel BTF: {}", std::strerror(errno)));
  // The fentry programs beside them keep each call's start in task storage (5.11).
  if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, nullptr) != 1)
    return make_error(Errc::unsupported, "the kernel has no task storage, which the calls' durations need");
  std::vector<std::string> missing;
  bool tried = false;
  for (const std::string& function : functions) {
    int id = btf__find_by_name_kind(vmlinux.get(), function.c_str(), BTF_KIND_FUNC);
    if (id < 0) {
      missing.push_back(function);
    } else if (!tried) {
      if (Status attached = try_fexit(id, function); !attached) return attached.error();
      tried = true;
    }
  }
  if (!tried) return make_error(Errc::unsupported, "the kernel has none of the calls' entry points");
  return missing;
}

}  // namespace ljmm::trace::detail
