// The renderers on a real process's saved maps (test/data): what each output must carry, and that
// the machine-readable ones parse with a parser we did not write.
#include "ljmm/render.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../test_data.hpp"

namespace ljmm {
namespace {

using test::brk_hole;

size_t count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(RenderText, ReportHasEverySectionAndNoColourUnlessAsked) {
  Analysis analysis = brk_hole();
  std::string plain = render_report(analysis, TextOptions{false, 100});
  for (const char* segment : {"s1", "s3", "s5", "s6", "s7", "s8"}) EXPECT_NE(plain.find(segment), std::string::npos);
  EXPECT_NE(plain.find("brk-blocked"), std::string::npos);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  std::string colour = render_report(analysis, TextOptions{true, 100});
  EXPECT_NE(colour.find("\x1b["), std::string::npos);
}

// ljmm-inspect --no-regions: the report without the table of every region, all else the same.
TEST(RenderText, ReportWithoutRegionsLeavesOutOnlyTheirTable) {
  Analysis analysis = brk_hole();
  std::string full = render_report(analysis, TextOptions{false, 100});
  std::string without = render_report(analysis, TextOptions{false, 100, false});
  EXPECT_NE(full.find("Regions by segment"), std::string::npos);
  EXPECT_EQ(without.find("Regions by segment"), std::string::npos);
  std::string regions = '\n' + render_regions(analysis, TextOptions{false, 100});
  size_t at = full.find(regions);
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(full.substr(0, at) + full.substr(at + regions.size()), without);
}

TEST(RenderSvg, OneDocumentWithTheSegments) {
  std::string svg = render_svg(brk_hole());
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u) << svg.substr(0, 80);
  EXPECT_EQ(count(svg, "<svg "), 1u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("heap"), std::string::npos);
}

// The picture alone tells the story: where the break is blocked, and where malloc's memory went.
TEST(RenderPicture, MarksTheBlockerAndTheFallback) {
  Analysis analysis = brk_hole();
  ASSERT_TRUE(analysis.diagnosis.blocker);
  std::string text = render_picture(analysis, TextOptions{false, 120});
  EXPECT_NE(text.find("brk blocked here by 4 KiB at 0x563cca4f5000"), std::string::npos) << text;
  EXPECT_NE(text.find("malloc fallback"), std::string::npos) << text;
  EXPECT_NE(text.find("\u2593"), std::string::npos) << "the fallback's shade in the bar";
  std::string svg = render_svg(analysis);
  EXPECT_NE(svg.find("url(#fallback)"), std::string::npos);
  EXPECT_NE(svg.find("brk blocker"), std::string::npos);
  EXPECT_NE(svg.find("brk blocked here"), std::string::npos);
}

TEST(RenderDiff, ChangedNumbersAndHumanTimes) {
  std::string program =
      "555555554000-555555555000 r-xp 00000000 fe:00 7 /bin/p\n"
      "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
      "55555557a000-55555557b000 ---p 00000000 00:00 0 \n";
  Analysis before = analyze(test::snapshot_from_text(program + "7ffff0800000-7ffff1000000 rw-p 00000000 00:00 0 \n"));
  Analysis after = analyze(test::snapshot_from_text(program + "7fffe0000000-7ffff1000000 rw-p 00000000 00:00 0 \n"));
  before.snapshot.taken_at_unix_ms = 1'700'000'000'000;
  after.snapshot.taken_at_unix_ms = 1'700'000'002'500;
  SnapshotDiff diff = diff_snapshots(before, after);
  std::string text = diff_text(diff, false);
  EXPECT_NE(text.find("changed      malloc-mmap-fallback (warning -> error): "), std::string::npos) << text;
  EXPECT_NE(text.find("fallback_bytes 8 MiB -> 272 MiB (+264 MiB)"), std::string::npos) << text;
  EXPECT_NE(text.find("(2.5 s later)"), std::string::npos) << text;
  EXPECT_EQ(text.find(" ms\n"), std::string::npos) << "no raw milliseconds";
  auto json = nlohmann::json::parse(diff_json(diff));
  EXPECT_EQ(json["elapsed_ms"], 2500);
  bool seen = false;
  for (const auto& change : json["findings"]["changed"])
    if (change["id"] == "malloc-mmap-fallback") seen = true;
  EXPECT_TRUE(seen) << json.dump(2);
}

TEST(RenderPrometheus, EachFamilyDescribedOnceAndEveryProcessLabelled) {
  Analysis one = brk_hole();
  Analysis two = brk_hole();
  two.snapshot.process.pid = 4243;
  std::string text = render_prometheus({one, two});
  EXPECT_EQ(count(text, "# TYPE ljmm_mappings "), 1u) << text;
  EXPECT_EQ(count(text, "# HELP ljmm_mappings "), 1u);
  EXPECT_NE(text.find("pid=\"4243\""), std::string::npos);
}

TEST(RenderChecks, TextJsonAndJunitAgree) {
  Analysis analysis = brk_hole();
  std::vector<Check> checks = {{0, "brk room", "min_brk_room", false, "0 B", ">= 1 MiB", {}, {}, {}},
                               {1, "mappings", "max_mappings", true, "20", "<= 1000", {}, {}, {}}};
  std::string text = checks_text(checks, analysis, false);
  EXPECT_NE(text.find("FAIL"), std::string::npos);
  EXPECT_NE(text.find("PASS"), std::string::npos);
  auto json = nlohmann::json::parse(checks_json(checks, analysis));
  EXPECT_EQ(json["schema"], "ljmm.check/v1");
  EXPECT_EQ(json["passed"], false);
  std::string junit = checks_junit(checks, analysis, "layout");
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("tests=\"2\""), std::string::npos);
}

TEST(RenderDiff, TextAndJsonNameTheChange) {
  Analysis before =
      analyze(test::snapshot_from_text("555555554000-555555555000 r-xp 00000000 fe:00 7 /bin/p\n"
                                       "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n"));
  Analysis after =
      analyze(test::snapshot_from_text("555555554000-555555555000 r-xp 00000000 fe:00 7 /bin/p\n"
                                       "7ffff7a00000-7ffff7b00000 rw-p 00000000 00:00 0 \n"
                                       "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n"));
  SnapshotDiff diff = diff_snapshots(before, after);
  std::string text = diff_text(diff, false);
  EXPECT_NE(text.find("added"), std::string::npos) << text;
  EXPECT_NE(text.find("7ffff7a00000"), std::string::npos) << text;
  auto json = nlohmann::json::parse(diff_json(diff));
  EXPECT_EQ(json["schema"], "ljmm.diff/v1");
}

}  // namespace
}  // namespace ljmm
