#include "trace/bpf/stack_delivery.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "mmaptrace.h"

namespace ljmm::trace::detail {

static_assert(MMT_UNWIND_REGS == unwind_registers);

std::optional<CopiedStack> decode_copied_stack(const void* data, size_t size) {
  constexpr size_t header = sizeof(mmt_event) + MMT_USER_STACK_HEADER;
  if (size < header) return std::nullopt;
  const auto* bytes = static_cast<const unsigned char*>(data);
  // The header's fields one by one: the whole struct (64 KiB) does not belong on our stack.
  const unsigned char* user = bytes + sizeof(mmt_event);
  CopiedStack copy;
  std::memcpy(copy.regs.data(), user + offsetof(mmt_user_stack, regs), sizeof(uint64_t) * unwind_registers);
  uint32_t copied = 0;
  std::memcpy(&copied, user + offsetof(mmt_user_stack, size), sizeof copied);
  size_t length = std::min<size_t>({copied, size - header, MMT_USER_STACK_MAX});
  copy.bytes.assign(bytes + header, bytes + header + length);
  return copy;
}

void StackDelivery::add(Event event, const void* data, size_t size) {
  std::optional<CopiedStack> stack = decode_copied_stack(data, size);
  // The modules are read now, while the process surely lives; the unwinding waits.
  DwarfUnwinder::Modules modules;
  if (stack && !stack->bytes.empty()) modules = unwinder_.prepare(event.pid, stack->regs[16]);
  if (event.kind == EventKind::exec || event.kind == EventKind::exit) unwinder_.forget(event.pid);
  Waiting waiting{std::move(event), std::move(stack), std::move(modules)};
  if (waiting_.empty() && !waiting.stack) {
    send(waiting);
    return;
  }
  waiting_.push_back(std::move(waiting));
}

void StackDelivery::deliver() {
  while (!waiting_.empty()) {
    send(waiting_.front());
    waiting_.pop_front();
  }
}

void StackDelivery::send(Waiting& waiting) {
  Event& event = waiting.event;
  if (waiting.stack) {
    if (waiting.stack->bytes.empty()) {
      ++stats_.unreadable;
    } else {
      const CopiedStack& copy = *waiting.stack;
      bool beyond = false;
      uint64_t sp = copy.regs[7];
      UnwindInput input{event.pid, event.tid, copy.regs,
                        [&](uint64_t address, uint64_t& value) {
                          return read_stack_copy(copy.bytes, sp, address, value, beyond);
                        },
                        &beyond};
      // Reading the maps fails for a moment right after an exec: try again now.
      if (!DwarfUnwinder::usable(waiting.modules)) waiting.modules = unwinder_.prepare(event.pid, copy.regs[16]);
      unwind_into(unwinder_, waiting.modules, input, options_.stack_depth, event, stats_);
    }
  }
  sink_.on_event(event);
}

}  // namespace ljmm::trace::detail
