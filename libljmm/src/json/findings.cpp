#include "json/findings.hpp"

namespace ljmm::detail {

const char* metric_unit_name(MetricUnit unit) {
  switch (unit) {
    case MetricUnit::bytes: return "bytes";
    case MetricUnit::count: return "count";
    case MetricUnit::address: return "address";
    case MetricUnit::ratio_percent: return "percent";
  }
  return "count";
}

void write_findings(JsonWriter& json, const std::vector<Finding>& findings) {
  json.key("findings").begin_array();
  for (const Finding& finding : findings) write_finding(json, finding);
  json.end_array();
}

void write_finding(JsonWriter& json, const Finding& finding) {
  json.begin_object().field("id", finding.id).field("severity", severity_name(finding.severity));
  json.field("summary", finding.summary).field("explanation", finding.explanation).field("fix", finding.fix);
  json.field("confidence", finding.confidence);
  write_metrics(json, finding);
  write_units(json, finding);
  write_region_starts(json, finding);
  json.end_object();
}

void write_metrics(JsonWriter& json, const Finding& finding) {
  json.key("metrics").begin_object();
  for (const Metric& metric : finding.metrics) {
    metric.unit == MetricUnit::address ? json.address_field(metric.name, metric.value)
                                       : json.field(metric.name, metric.value);
  }
  json.end_object();
}

void write_units(JsonWriter& json, const Finding& finding) {
  json.key("units").begin_object();
  for (const Metric& metric : finding.metrics) json.field(metric.name, metric_unit_name(metric.unit));
  json.end_object();
}

void write_region_starts(JsonWriter& json, const Finding& finding) {
  json.key("regions").begin_array();
  for (uint64_t start : finding.region_starts) json.address(start);
  json.end_array();
}

}  // namespace ljmm::detail
