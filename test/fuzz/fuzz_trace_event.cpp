// libFuzzer: ring-buffer records of the BPF program, decoded and fed through the summary and
// both printers. The input is cut into records of the two sizes the kernel side sends.
#include <cstddef>
#include <cstdint>

#include "ljmm/trace_report.hpp"
#include "mmaptrace.h"
#include "trace/bpf/event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ljmm::trace::Summary summary;
  ljmm::trace::RunResult run;
  while (size > 0) {
    // The first byte picks the record size: with or without the stack.
    size_t record = (data[0] & 1) ? sizeof(mmt_event) : MMT_EVENT_BASE_SIZE;
    if (record > size) record = size;
    auto event = ljmm::trace::detail::decode_bpf_event(data, record, 0);
    if (event) {
      summary.on_event(*event);
      ljmm::trace::event_line(*event, ljmm::trace::name_frames(*event, nullptr));
      ljmm::trace::event_json(*event, ljmm::trace::name_frames(*event, nullptr));
    }
    data += record;
    size -= record;
  }
  ljmm::trace::summary_text(summary, run, false);
  ljmm::trace::summary_json(summary, run);
  return 0;
}
