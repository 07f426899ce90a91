// Events of the BPF backend on their way to the sink, with the user stacks the kernel copied
// (bpf/user_stack.bpf.h) unwound on the way. The ring buffer is drained before anything is
// unwound: events wait here in their order while the ring is read, then go out together.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "ljmm/trace.hpp"
#include "trace/unwind/dwarf.hpp"

namespace ljmm::trace::detail {

// The registers at the call and the top of the user stack, as the kernel copied them.
struct CopiedStack {
  std::array<uint64_t, unwind_registers> regs{};
  std::vector<uint8_t> bytes;  // from rsp upwards; empty: the kernel could not read the stack
};

// The copy that follows the event in a ring buffer record, if the record has one.
std::optional<CopiedStack> decode_copied_stack(const void* data, size_t size);

class StackDelivery {
 public:
  StackDelivery(Sink& sink, const Options& options) : sink_(sink), options_(options) {}

  // Takes an event as it comes out of the ring, with the rest of its record.
  void add(Event event, const void* data, size_t size);
  // Unwinds the waiting stacks and hands the events to the sink, in order.
  void deliver();
  const StackStats& stats() const { return stats_; }

 private:
  struct Waiting {
    Event event;
    std::optional<CopiedStack> stack;
    DwarfUnwinder::Modules modules;  // as mapped when the event came
  };
  void send(Waiting& waiting);

  Sink& sink_;
  const Options& options_;
  std::deque<Waiting> waiting_;
  DwarfUnwinder unwinder_;
  StackStats stats_;
};

}  // namespace ljmm::trace::detail
