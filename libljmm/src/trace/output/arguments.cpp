// One decoder per traced call. Adding a call: its entry in traced_syscalls (trace.hpp), its
// decoder here, and the BPF program's and ptrace's numbers (docs/architecture.md says where).
#include "trace/output/arguments.hpp"

#include <fmt/format.h>
#include <linux/mman.h>

#include <algorithm>

#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"

namespace ljmm::trace::detail {

namespace {

using Json = Argument::Json;

std::string pointer(uint64_t address) { return address == 0 ? "NULL" : format_address_short(address); }

Argument address(const char* name, uint64_t value) { return {name, pointer(value), Json::address, value}; }
Argument size(const char* name, uint64_t value) { return {name, format_size(value), Json::number, value}; }
Argument named(const char* name, std::string text) { return {name, std::move(text), Json::text}; }

std::vector<Argument> decode_mmap(const Event& event) {
  const auto& a = event.args;
  // The fd with its file as strace -y shows it: 3</usr/lib/libc.so.6>.
  auto fd = static_cast<int>(a[4]);
  std::string fd_text = fmt::format("{}{}", fd, event.path.empty() ? "" : "<" + event.path + ">");
  std::vector<Argument> args = {address("addr", a[0]), size("length", a[1]), named("prot", describe_prot(a[2])),
                                named("flags", describe_mmap_flags(a[3])),
                                {"fd", fd_text, Json::signed_number, static_cast<uint64_t>(static_cast<int64_t>(fd))}};
  if (!event.path.empty()) args.push_back({"path", event.path, Json::text, 0, false});
  // mmap2's last argument is in pages: shown as given, like strace.
  bool pages = event.ia32_syscall == ia32_mmap2;
  args.push_back({pages ? "pgoffset" : "offset", fmt::format("{:#x}{}", a[5], pages ? " pages" : ""), Json::number, a[5]});
  return args;
}

std::vector<Argument> decode_munmap(const Event& event) {
  return {address("addr", event.args[0]), size("length", event.args[1])};
}

std::vector<Argument> decode_mremap(const Event& event) {
  const auto& a = event.args;
  Argument new_address = address("new_address", a[4]);
  new_address.in_line = (a[3] & MREMAP_FIXED) != 0;  // only read by the kernel with MREMAP_FIXED
  return {address("old_address", a[0]), size("old_size", a[1]), size("new_size", a[2]),
          named("flags", describe_mremap_flags(a[3])), new_address};
}

std::vector<Argument> decode_brk(const Event& event) { return {address("addr", event.args[0])}; }

struct Decoder {
  Syscall call;
  std::vector<Argument> (*decode)(const Event&);
};
constexpr Decoder decoders[] = {{Syscall::mmap, decode_mmap},
                                {Syscall::munmap, decode_munmap},
                                {Syscall::mremap, decode_mremap},
                                {Syscall::brk, decode_brk}};

constexpr bool every_call_decoded() {
  return std::all_of(traced_syscalls.begin(), traced_syscalls.end(), [](const TracedSyscall& traced) {
    return std::any_of(std::begin(decoders), std::end(decoders), [&](const Decoder& d) { return d.call == traced.id; });
  });
}
static_assert(every_call_decoded(), "every call in traced_syscalls needs its decoder here");

}  // namespace

std::vector<Argument> decode_arguments(const Event& event) {
  if (event.kind != EventKind::syscall) return {};
  for (const Decoder& decoder : decoders)
    if (static_cast<int>(decoder.call) == event.syscall) return decoder.decode(event);
  return {};
}

}  // namespace ljmm::trace::detail
