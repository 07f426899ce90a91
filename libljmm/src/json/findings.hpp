// The "findings" array, written the same way in every document that carries findings
// (snapshots, trace summaries).
#pragma once

#include <vector>

#include "json/writer.hpp"
#include "ljmm/finding.hpp"

namespace ljmm::detail {

// "bytes", "count", "address", "percent": a metric's unit as every document names it.
const char* metric_unit_name(MetricUnit unit);

void write_findings(JsonWriter& json, const std::vector<Finding>& findings);  // "findings": [...]
void write_finding(JsonWriter& json, const Finding& finding);                 // one finding's object
// Its parts: "metrics": {name: value}, "units": {name: unit}, "regions": [start, ...].
void write_metrics(JsonWriter& json, const Finding& finding);
void write_units(JsonWriter& json, const Finding& finding);
void write_region_starts(JsonWriter& json, const Finding& finding);

}  // namespace ljmm::detail
