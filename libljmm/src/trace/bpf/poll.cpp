#include "trace/bpf/poll.hpp"

#include <bpf/libbpf.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "mmaptrace.skel.h"
#include "trace/bpf/activity.hpp"
#include "trace/bpf/event.hpp"
#include "trace/bpf/losses.hpp"
#include "trace/bpf/seed.hpp"
#include "trace/bpf/stack_delivery.hpp"
#include "trace/session/mapped_path.hpp"
#include "trace/session/start_layout.hpp"

namespace ljmm::trace::detail {

namespace {

using RingBuffer = std::unique_ptr<ring_buffer, decltype(&ring_buffer__free)>;

constexpr uint64_t loss_check_ns = 250'000'000;
constexpr uint64_t loss_report_ns = 1'000'000'000;
constexpr uint64_t prune_ns = 1'000'000'000;

struct PollState {
  StackDelivery* delivery;
  uint64_t start_ns;
  uint64_t events = 0;
  TracedSet* traced;
  StopPolicy* policy;
  std::vector<Event>* execs;  // exec events whose new layout is to be read; null: no model kept
  FileNames names;            // the kernel's paths of the files mapped so far
};

int handle_event(void* context, void* data, size_t size) {
  auto* state = static_cast<PollState*>(context);
  if (is_file_path_record(data, size)) {
    if (auto named = decode_file_path(data, size)) state->names.add(named->first, std::move(named->second));
    return 0;
  }
  auto decoded = decode_bpf_event(data, size, state->start_ns);
  if (!decoded) return 0;
  Event event = std::move(decoded).value();
  note_mapped_file(event, PathSource::after_call, &state->names);
  if (event.kind == EventKind::fork) state->traced->add(event.pid);
  if (event.kind == EventKind::exit) state->traced->remove(event.pid);
  if (event.kind == EventKind::exec && state->execs) state->execs->push_back(event);
  state->policy->saw_event(monotonic_ns(), event.pid);
  ++state->events;
  state->delivery->add(std::move(event), data, size);
  return 0;
}

// After fork or exit events were dropped, user space's traced set differs from the kernel's:
// take the kernel's (the command is user space's to end). Returns how many processes differed.
uint64_t catch_up(const mmaptrace_bpf& skeleton, TracedSet& traced, uint32_t command_pid) {
  std::set<uint32_t> kernel = traced_in_kernel(skeleton);
  uint64_t differed = 0;
  for (uint32_t pid : kernel) {
    if (traced.contains(pid) || !process_alive(pid)) continue;
    traced.add(pid);  // its fork event was lost
    ++differed;
  }
  std::vector<uint32_t> gone;
  for (uint32_t pid : traced.pids())
    if (pid != command_pid && !kernel.contains(pid)) gone.push_back(pid);  // its exit event was lost
  for (uint32_t pid : gone) traced.remove(pid);
  return differed + gone.size();
}

// One trace's loop, a step a method: each runs every time round, and does its work when due.
class Poller {
 public:
  Poller(mmaptrace_bpf& skeleton, const Options& options, Sink& sink, Targets& targets, const Log& log)
      : skeleton_(skeleton),
        options_(options),
        sink_(sink),
        log_(log),
        targets_(targets),
        start_ns_(monotonic_ns()),
        policy_(options, start_ns_),
        delivery_(sink, options),
        state_{&delivery_, start_ns_, 0, &targets.traced, &policy_, keeps_layouts(options) ? &execs_ : nullptr, {}},
        ring_(ring_buffer__new(bpf_map__fd(skeleton.maps.events), handle_event, &state_, nullptr),
              &ring_buffer__free),
        last_prune_(start_ns_),
        last_ranking_(start_ns_),
        interval_ns_(static_cast<uint64_t>(options.system_wide.interval_seconds * 1e9)) {}

  Result<RunResult> run() {
    if (!ring_) return make_error(Errc::io_error, "creating the ring buffer reader failed");
    if (Status started = start_layouts(); !started) return started.error();
    result_.backend = "bpf";
    for (;;) {
      if (Status read = read_ring(); !read) return read.error();
      uint64_t now = monotonic_ns();
      watch_command(now);
      check_losses(now);
      prune(now);
      rank(now);
      if (policy_.should_stop(now, targets_.traced.others_than(targets_.command_pid), result_.interrupted)) break;
    }
    return finish();
  }

 private:
  // The -p processes' layouts as tracing begins, and the command's at its exec, for the layout
  // model; then the command runs.
  Status start_layouts() {
    bool keep = keeps_layouts(options_);
    for (int pid : options_.pids)
      if (keep) read_layout(static_cast<uint32_t>(pid), film::LayoutSource::attach);
    if (!targets_.command) return {};
    auto layout = release_command(*targets_.command, keep, start_ns_, log_);
    if (!layout) return layout.error();
    if (*layout) send_layout(std::move(**layout));
    return {};
  }

  void read_layout(uint32_t pid, film::LayoutSource source) {
    auto layout = read_start_layout(pid, source, false, start_ns_);
    if (layout)
      send_layout(std::move(layout).value());
    else
      log_(fmt::format("pid {}: its layout could not be read ({}): the model does not know it", pid,
                       layout.error().message));
  }

  void send_layout(film::StartLayout layout) {
    layout_read_at_[layout.pid] = layout.time_ns;
    sink_.on_layout(layout);
  }

  // A traced process exec'd: its new layout, read now that its exec event has gone out (unless
  // it was read at the exec itself, as the command's is).
  void read_exec_layouts() {
    for (const Event& exec : execs_) {
      auto read = layout_read_at_.find(exec.pid);
      if (read == layout_read_at_.end() || read->second < exec.time_ns) read_layout(exec.pid, film::LayoutSource::late);
    }
    execs_.clear();
  }

  // The kernel side wakes us only when the ring is a quarter full, so after each wait the ring
  // is read whether or not epoll saw a wake-up: events reach the sink at most 50 ms late.
  Status read_ring() {
    int polled = ring_buffer__poll(ring_.get(), 50);
    if (polled >= 0 || polled == -EINTR) polled = ring_buffer__consume(ring_.get());
    delivery_.deliver();  // the ring is drained: now unwind
    read_exec_layouts();
    if (polled < 0 && polled != -EINTR)
      return make_error(Errc::io_error, fmt::format("reading the ring buffer: {}", std::strerror(-polled)));
    return {};
  }

  void watch_command(uint64_t now) {
    if (!targets_.command || result_.command_exit >= 0) return;
    if (std::optional<int> status = targets_.command->poll()) {
      result_.command_exit = *status;
      targets_.traced.remove(targets_.command_pid);
      policy_.command_exited(now);
    }
  }

  void check_losses(uint64_t now) {
    if (now - last_loss_check_ < loss_check_ns) return;
    last_loss_check_ = now;
    Losses losses = read_losses(skeleton_);
    if (losses.ring_buffer > result_.losses.ring_buffer) {
      ring_buffer__consume(ring_.get());  // what is still in the ring is not lost
      delivery_.deliver();
      out_of_step_ += catch_up(skeleton_, targets_.traced, targets_.command_pid);
    }
    losses.out_of_step = out_of_step_;
    if (losses.total() > reported_total_ && now - last_loss_report_ >= loss_report_ns) {
      sink_.on_losses(losses);
      last_loss_report_ = now;
      reported_total_ = losses.total();
    }
    result_.losses = losses;
  }

  // An exit event may have been lost, or came before tracing.
  void prune(uint64_t now) {
    if (now - last_prune_ <= prune_ns) return;
    last_prune_ = now;
    if (options_.system_wide.enabled) activity_.sweep(skeleton_);  // exited processes make room
    std::vector<uint32_t> gone;
    for (uint32_t pid : targets_.traced.pids())
      if (pid != targets_.command_pid && !process_alive(pid)) gone.push_back(pid);
    for (uint32_t pid : gone) targets_.traced.remove(pid);
  }

  void rank(uint64_t now) {
    if (!options_.system_wide.enabled || interval_ns_ == 0 || now - last_ranking_ < interval_ns_) return;
    last_ranking_ = now;
    sink_.on_activity(ranking(), now - start_ns_);
  }

  std::vector<ProcessActivity> ranking() {
    std::vector<ProcessActivity> ranked = activity_.read(skeleton_);
    if (options_.failed_only) std::erase_if(ranked, [](const ProcessActivity& p) { return p.total_failed() == 0; });
    return ranked;
  }

  RunResult finish() {
    ring_buffer__consume(ring_.get());  // what arrived before the stop
    delivery_.deliver();
    result_.stacks = delivery_.stats();
    policy_.describe_stop(monotonic_ns(), targets_.traced.pids(), result_);
    result_.events = state_.events;
    result_.losses = read_losses(skeleton_);
    result_.losses.out_of_step = out_of_step_;
    result_.command_running = targets_.command && result_.command_exit < 0;
    if (options_.system_wide.enabled) {
      result_.system_wide = true;
      result_.counts_only = options_.system_wide.counts_only;
      result_.activity = ranking();
    }
    if (result_.command_running) targets_.command->forget();  // still running: it is not ours to kill
    return result_;
  }

  mmaptrace_bpf& skeleton_;
  const Options& options_;
  Sink& sink_;
  const Log& log_;
  Targets& targets_;
  uint64_t start_ns_;
  StopPolicy policy_;
  StackDelivery delivery_;
  PollState state_;
  RingBuffer ring_;
  ActivityReader activity_;
  RunResult result_;
  std::vector<Event> execs_;
  std::map<uint32_t, uint64_t> layout_read_at_;  // pid -> the time of its last start layout
  uint64_t last_prune_, last_ranking_, interval_ns_;
  uint64_t last_loss_check_ = 0, last_loss_report_ = 0, reported_total_ = 0, out_of_step_ = 0;
};

}  // namespace

Result<RunResult> poll_until_stopped(mmaptrace_bpf& skeleton, const Options& options, Sink& sink, Targets& targets,
                                     const Log& log) {
  return Poller(skeleton, options, sink, targets, log).run();
}

}  // namespace ljmm::trace::detail
