// The HTML page as text: self-contained (no URL to fetch, a policy that forbids every request), its
// data one JSON object that a parser we did not write reads back, whatever the paths contain.
// What a browser makes of it is test/browser/page_test.py.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>

#include "../film/sample_recording.hpp"
#include "../test_data.hpp"
#include "ljmm/reel.hpp"
#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"

namespace ljmm {
namespace {

using test::brk_hole;

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


// Each frame is what changed since the frame before; put together, the frames are the layouts
// replay() gives at their times, and the page opens at the frame asked for.
TEST(RenderHtml, RecordingFramesAddUpToTheReplayedLayouts) {
  using namespace ljmm::test;
  film::Recording recording = sample_recording({
      sample_layout(100),
      sample_mmap(200, sample_free_area, 4 * sample_page, sample_libc + 0x10),
      sample_call(300, trace::Syscall::mprotect, {sample_free_area, sample_page, PROT_NONE}, 0),
      sample_mmap(400, sample_break, sample_page, 0, true),  // at the break: brk-blocked appears
      sample_call(500, trace::Syscall::munmap, {sample_free_area, 4 * sample_page}, 0),
  });
  film::Reel reel = film::make_reel(recording, sample_pid);
  nlohmann::json data = page_data(render_html_recording(recording, reel, 2));
  EXPECT_EQ(data["kind"], "recording");
  const nlohmann::json& page = data["recording"];
  EXPECT_EQ(page["start"], 2);
  ASSERT_EQ(page["frames"].size(), reel.frames.size());
  std::map<std::string, nlohmann::json> regions;  // start -> region array
  for (size_t i = 0; i < reel.frames.size(); ++i) {
    const nlohmann::json& frame = page["frames"][i];
    for (const auto& start : frame["removed"]) regions.erase(start.get<std::string>());
    for (const auto& region : frame["added"]) regions[region[0].get<std::string>()] = region;
    std::string note;
    Snapshot snapshot = film::replay(recording, sample_pid, reel.frames[i].time_ns, note).value();
    std::set<std::string> expected;
    for (const Region& region : snapshot.regions) {
      expected.insert(format_address_short(region.start));
      const nlohmann::json& shown = regions[format_address_short(region.start)];
      EXPECT_EQ(shown[1], region.size()) << "frame " << i;
      EXPECT_EQ(shown[2], region.perms.str()) << "frame " << i;
      EXPECT_EQ(page["paths"][shown[5].get<size_t>()], region.label()) << "frame " << i;
    }
    std::set<std::string> shown;
    for (const auto& [start, region] : regions) shown.insert(start);
    EXPECT_EQ(shown, expected) << "frame " << i;
  }
  ASSERT_EQ(page["onsets"].size(), 1u);
  EXPECT_EQ(page["onsets"][0]["finding"]["id"], "brk-blocked");
  EXPECT_EQ(page["onsets"][0]["frame"], reel.frame_at(400));
  const nlohmann::json& events = page["events"];
  ASSERT_EQ(events["rows"].size(), 4u);
  EXPECT_EQ(events["calls"][events["rows"][1][4].get<size_t>()], "mprotect");
  EXPECT_EQ(events["rows"][1][5], "0x7f0000000000, 4 KiB, ---");
  std::string site = events["sites"][events["rows"][0][7].get<size_t>()];
  EXPECT_NE(site.find("libc.so.6"), std::string::npos) << site;
  EXPECT_EQ(events["rows"][1][7], -1) << "no caller";
}

}  // namespace
}  // namespace ljmm
