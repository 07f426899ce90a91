// The HTML page as text: self-contained (no URL to fetch, a policy that forbids every request), its
// data one JSON object that a parser we did not write reads back, whatever the paths contain.
// What a browser makes of it is test/browser/page_test.py.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../test_data.hpp"
#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"

namespace ljmm {
namespace {

Analysis brk_hole() { return analyze(test::snapshot_from_data_file("nginx-master-brk-hole.maps")); }

// The embedded object, as the page's script reads it.
nlohmann::json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"ljmm-data\">";
  size_t begin = html.find(open);
  EXPECT_NE(begin, std::string::npos);
  begin += open.size();
  size_t end = html.find("</script>", begin);
  return nlohmann::json::parse(html.substr(begin, end - begin));
}

TEST(RenderHtml, SelfContainedWithItsDataEmbedded) {
  Analysis analysis = brk_hole();
  std::string html = render_html(analysis);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos) << "no script, image or frame from elsewhere";
  EXPECT_NE(html.find("content=\"default-src 'none'"), std::string::npos);
  nlohmann::json data = page_data(html);
  EXPECT_EQ(data["schema"], "ljmm.page/v1");
  EXPECT_EQ(data["kind"], "snapshot");
  ASSERT_EQ(data["layouts"].size(), 1u);
  const nlohmann::json& layout = data["layouts"][0];
  ASSERT_EQ(layout["regions"].size(), analysis.snapshot.regions.size());
  EXPECT_EQ(layout["regions"][0][0], format_address_short(analysis.snapshot.regions[0].start));
  EXPECT_EQ(layout["findings"].size(), analysis.findings().size());
  // The segments' colours are the library's one table.
  EXPECT_EQ(data["segments"][4]["colour"], detail::segment_colours[Segment::heap].rgb);
}

TEST(RenderHtml, PathsCannotCloseTheDataElement) {
  Snapshot snapshot = test::snapshot_from_text(
      "7f0000000000-7f0000001000 r--p 00000000 08:01 12 /tmp/</script><script>alert(1)</script>\n");
  std::string html = render_html(analyze(std::move(snapshot)));
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  nlohmann::json layout = page_data(html)["layouts"][0];
  EXPECT_EQ(layout["paths"][layout["regions"][0][5].get<size_t>()], "/tmp/</script><script>alert(1)</script>");
}

TEST(RenderHtml, DiffAndHostPagesCarryTheirLayouts) {
  Analysis before = brk_hole();
  Analysis after = analyze(test::snapshot_from_data_file("brk-hole-pie.maps"));
  nlohmann::json diff = page_data(render_html_diff(before, after, diff_snapshots(before, after)));
  EXPECT_EQ(diff["kind"], "diff");
  EXPECT_EQ(diff["layouts"].size(), 2u);
  EXPECT_FALSE(diff["diff"]["changes"].empty());
  std::vector<Analysis> analyses;
  analyses.push_back(brk_hole());
  analyses.push_back(analyze(test::snapshot_from_data_file("nonpie.maps")));
  nlohmann::json host = page_data(render_html_host(analyses, ScanCoverage{}));
  EXPECT_EQ(host["kind"], "host");
  ASSERT_EQ(host["host"]["rows"].size(), 2u);
  EXPECT_EQ(host["host"]["columns"][0], "PID");
  EXPECT_EQ(host["host"]["rows"][0]["severity"], "error") << "worst first";
}

}  // namespace
}  // namespace ljmm
