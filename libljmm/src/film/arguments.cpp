// One decoder per traced call, naming flags and advice as strace does. Adding a call: its entry
// in traced_syscalls (event.hpp), its decoder here, its effect in the layout model
// (film/apply.cpp), and the BPF program's entry (docs/architecture.md says where).
#include "film/arguments.hpp"

#include <fmt/format.h>
#include <linux/mman.h>

#include <algorithm>

#include "ljmm/event_text.hpp"
#include "ljmm/units.hpp"

namespace ljmm::trace::detail {

namespace {

using Json = Argument::Json;

std::string pointer(uint64_t address) { return address == 0 ? "NULL" : format_address_short(address); }

Argument address(const char* name, uint64_t value) { return {name, pointer(value), Json::address, value}; }
Argument size(const char* name, uint64_t value) { return {name, format_size(value), Json::number, value}; }
Argument named(const char* name, std::string text) { return {name, std::move(text), Json::text}; }
Argument number(const char* name, uint64_t value) { return {name, std::to_string(value), Json::number, value}; }
Argument signed_number(const char* name, uint64_t value) {
  auto as_int = static_cast<int64_t>(static_cast<int32_t>(value));  // an int in the kernel's prototype
  return {name, std::to_string(as_int), Json::signed_number, static_cast<uint64_t>(as_int)};
}
Argument flags(const char* name, uint64_t value, std::span<const FlagName> names) {
  return named(name, describe_flags(value, names, "0"));
}
// Flags no name is known for (mseal has none yet): as strace shows them.
Argument hex(const char* name, uint64_t value) { return named(name, fmt::format("{:#x}", value)); }

std::string advice_name(uint64_t advice) {
  const film::detail::Advice* known = film::detail::find_advice(advice);
  return known ? known->name : fmt::format("{:#x} /* MADV_??? */", advice);
}

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

std::vector<Argument> decode_mprotect(const Event& event) {
  const auto& a = event.args;
  return {address("addr", a[0]), size("length", a[1]), named("prot", describe_prot(a[2]))};
}

std::vector<Argument> decode_pkey_mprotect(const Event& event) {
  std::vector<Argument> args = decode_mprotect(event);
  args.push_back(signed_number("pkey", event.args[3]));
  return args;
}

std::vector<Argument> decode_madvise(const Event& event) {
  const auto& a = event.args;
  return {address("addr", a[0]), size("length", a[1]), named("advice", advice_name(a[2]))};
}

std::vector<Argument> decode_process_madvise(const Event& event) {
  const auto& a = event.args;
  return {signed_number("pidfd", a[0]), address("iovec", a[1]), number("vlen", a[2]),
          named("advice", advice_name(a[3])), hex("flags", a[4])};
}

std::vector<Argument> decode_range(const Event& event) {  // mlock, munlock
  return {address("addr", event.args[0]), size("length", event.args[1])};
}

std::vector<Argument> decode_mlock2(const Event& event) {
  const auto& a = event.args;
  return {address("addr", a[0]), size("length", a[1]), flags("flags", a[2], film::detail::mlock2_flags)};
}

std::vector<Argument> decode_mlockall(const Event& event) {
  return {flags("flags", event.args[0], film::detail::mlockall_flags)};
}

std::vector<Argument> decode_none(const Event&) { return {}; }

std::vector<Argument> decode_mseal(const Event& event) {
  const auto& a = event.args;
  return {address("addr", a[0]), size("length", a[1]), hex("flags", a[2])};
}

std::vector<Argument> decode_shmat(const Event& event) {
  const auto& a = event.args;
  std::vector<Argument> args = {signed_number("shmid", a[0]), address("shmaddr", a[1]),
                                flags("shmflg", a[2], film::detail::shmat_flags)};
  if (event.shm_size) args.push_back({"size", format_size(event.shm_size), Json::number, event.shm_size, false});
  if (!event.path.empty()) args.push_back({"path", event.path, Json::text, 0, false});
  return args;
}

std::vector<Argument> decode_shmdt(const Event& event) { return {address("shmaddr", event.args[0])}; }

std::vector<Argument> decode_remap_file_pages(const Event& event) {
  const auto& a = event.args;
  return {address("addr", a[0]), size("size", a[1]), named("prot", describe_prot(a[2])), number("pgoff", a[3]),
          named("flags", describe_mmap_flags(a[4]))};
}

std::vector<Argument> decode_mbind(const Event& event) {
  const auto& a = event.args;
  constexpr uint64_t mode_mask = 0xff;
  std::string mode = describe_flags(a[2] & mode_mask, film::detail::mbind_modes, "MPOL_DEFAULT");
  if (a[2] & ~mode_mask) mode += "|" + describe_flags(a[2] & ~mode_mask, film::detail::mbind_mode_flags, "0");
  return {address("addr", a[0]),     size("length", a[1]),    named("mode", mode), address("nodemask", a[3]),
          number("maxnode", a[4]), flags("flags", a[5], film::detail::mbind_flags)};
}

struct Decoder {
  Syscall call;
  std::vector<Argument> (*decode)(const Event&);
};
constexpr Decoder decoders[] = {{Syscall::mmap, decode_mmap},
                                {Syscall::munmap, decode_munmap},
                                {Syscall::mremap, decode_mremap},
                                {Syscall::brk, decode_brk},
                                {Syscall::mprotect, decode_mprotect},
                                {Syscall::pkey_mprotect, decode_pkey_mprotect},
                                {Syscall::madvise, decode_madvise},
                                {Syscall::process_madvise, decode_process_madvise},
                                {Syscall::mlock, decode_range},
                                {Syscall::mlock2, decode_mlock2},
                                {Syscall::munlock, decode_range},
                                {Syscall::mlockall, decode_mlockall},
                                {Syscall::munlockall, decode_none},
                                {Syscall::mseal, decode_mseal},
                                {Syscall::shmat, decode_shmat},
                                {Syscall::shmdt, decode_shmdt},
                                {Syscall::remap_file_pages, decode_remap_file_pages},
                                {Syscall::mbind, decode_mbind}};

constexpr bool every_call_decoded() {
  return std::all_of(traced_syscalls.begin(), traced_syscalls.end(), [](const TracedSyscall& traced) {
    return std::any_of(std::begin(decoders), std::end(decoders), [&](const Decoder& d) { return d.call == traced.id; });
  });
}
static_assert(every_call_decoded(), "every call in traced_syscalls needs its decoder here");

}  // namespace

std::string describe_flags(uint64_t flags, std::span<const FlagName> names, const char* none) {
  std::string text;
  for (const FlagName& flag : names) {
    if ((flags & flag.bit) != flag.bit || flag.bit == 0) continue;
    if (!text.empty()) text += '|';
    text += flag.name;
    flags &= ~flag.bit;
  }
  if (flags) text += fmt::format("{}{:#x}", text.empty() ? "" : "|", flags);
  return text.empty() ? none : text;
}

std::vector<Argument> decode_arguments(const Event& event) {
  if (event.kind != EventKind::syscall) return {};
  for (const Decoder& decoder : decoders)
    if (static_cast<int>(decoder.call) == event.syscall) return decoder.decode(event);
  return {};
}

}  // namespace ljmm::trace::detail
