// One self-contained interactive HTML page per view (a snapshot, a diff, a host): the page's style
// and script inline, its data one embedded JSON object, and a Content-Security-Policy that forbids
// the page any request, so it opens from file:// anywhere, offline, and stays offline.
#include <fmt/format.h>

#include "ljmm/recording.hpp"
#include "ljmm/reel.hpp"
#include "ljmm/render.hpp"
#include "render/host_rows.hpp"
#include "render/html_assets.hpp"
#include "render/html_data.hpp"
#include "render/html_page.hpp"
#include "render/html_reel.hpp"
#include "render/xml_escape.hpp"

namespace ljmm {

using detail::JsonWriter;

namespace {

// Inside <script type="application/json"> only "</script" could end the element early; "<"
// appears in JSON only inside strings, where \u003c reads back as the same character.
std::string escape_for_script(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 64);
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The first line of the report's header: "pid 12 (nginx)  /usr/sbin/nginx".
std::string title_of(const Analysis& analysis) {
  std::string header = render_header(analysis, TextOptions{.color = false});
  return header.substr(0, header.find('\n'));
}

}  // namespace

std::string detail::html_page(std::string_view title, std::string_view data) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'none'; connect-src 'none'\">\n"
      "<title>{} - ljmm</title>\n<style>\n{}</style>\n</head>\n<body>\n"
      "<noscript>This page draws the layout with JavaScript; <code>ljmm-inspect --format=text</code> prints the "
      "same facts.</noscript>\n<div id=\"app\"></div>\n",
      detail::xml_escape(title), detail::page_style());
  html += "<script type=\"application/json\" id=\"ljmm-data\">";
  html += escape_for_script(data);
  html += "</script>\n<script>\n";
  html += detail::page_script();
  html += "</script>\n</body>\n</html>\n";
  return html;
}

std::string render_html(const Analysis& analysis) {
  JsonWriter json(0);
  json.reserve(analysis.snapshot.regions.size() * 48 + 64 * 1024);
  std::string title = title_of(analysis);
  detail::begin_page_data(json, "snapshot", title);
  json.key("layouts").begin_array();
  detail::write_layout(json, analysis);
  json.end_array().end_object();
  return detail::html_page(title, json.str());
}

std::string render_html_diff(const Analysis& before, const Analysis& after, const SnapshotDiff& diff) {
  JsonWriter json(0);
  json.reserve((before.snapshot.regions.size() + after.snapshot.regions.size()) * 48 + 64 * 1024);
  std::string title = fmt::format("diff: {} -> {}", diff.before_source, diff.after_source);
  detail::begin_page_data(json, "diff", title);
  json.key("layouts").begin_array();
  detail::write_layout(json, before);
  detail::write_layout(json, after);
  json.end_array();
  detail::write_diff(json, diff);
  json.end_object();
  return detail::html_page(title, json.str());
}

std::string render_html_host(const std::vector<Analysis>& analyses, const ScanCoverage& coverage,
                             bool problems_only) {
  std::vector<const Analysis*> rows = detail::worst_first(analyses, problems_only);
  JsonWriter json(0);
  size_t regions = 0;
  for (const Analysis* analysis : rows) regions += analysis->snapshot.regions.size();
  json.reserve(regions * 48 + 64 * 1024);
  std::string title = fmt::format("{} processes", rows.size());
  detail::begin_page_data(json, "host", title);
  json.key("layouts").begin_array();
  for (const Analysis* analysis : rows) detail::write_layout(json, *analysis);
  json.end_array();
  detail::write_host(json, rows, coverage, analyses.size());
  json.end_object();
  return detail::html_page(title, json.str());
}

std::string render_html_recording(const film::Recording& recording, const film::Reel& reel, size_t start) {
  JsonWriter json(0);
  json.reserve(64 * 1024 + reel.frames.size() * 512 + reel.events.size() * 128);
  std::string title = fmt::format("recording {}, pid {} ({})", recording.path, reel.pid, reel.timeline.comm);
  detail::begin_page_data(json, "recording", title);
  json.key("layouts").begin_array().end_array();
  detail::write_reel(json, recording, reel, start);
  json.end_object();
  return detail::html_page(title, json.str());
}

}  // namespace ljmm
