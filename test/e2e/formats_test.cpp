// ljmm-inspect for monitoring and for eyes: Prometheus text parsed by the real client library's
// parser, and the SVG picture rendered to PNG by librsvg.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "demo.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

TEST(Formats, PrometheusTextParsesWithTheClientLibrary) {
  Demo hole = start_demo("brk-hole"), plain = start_demo("plain");
  CommandResult result = run_command({tool("ljmm-inspect"), "--format=prometheus", hole.pid(), plain.pid()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // prometheus_client's own parser (python3-prometheus-client): it rejects malformed lines.
  std::string script =
      "import sys, json\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "out = {}\n"
      "for family in text_string_to_metric_families(sys.stdin.read()):\n"
      "    for s in family.samples:\n"
      "        if not s.labels.get('window') and not s.labels.get('segment') and not s.labels.get('severity'):\n"
      "            out.setdefault(s.name, {})[s.labels['pid']] = s.value\n"
      "print(json.dumps(out))\n";
  CommandResult parsed = run_command({system_python, "-c", script}, result.out);
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  json metrics = json::parse(parsed.out);
  EXPECT_EQ(metrics["ljmm_brk_blocked"][hole.pid()], 1);
  EXPECT_EQ(metrics["ljmm_brk_blocked"][plain.pid()], 0);
  EXPECT_GT(metrics["ljmm_malloc_fallback_bytes"][hole.pid()].get<double>(), 8e6);
  EXPECT_EQ(metrics["ljmm_malloc_fallback_bytes"][plain.pid()], 0);
  EXPECT_GT(metrics["ljmm_brk_room_bytes"][plain.pid()].get<double>(), 1e9);
  EXPECT_GT(metrics["ljmm_mappings"][plain.pid()].get<double>(), 10);
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '#') % 2, 0);
  size_t help = result.out.find("# HELP ljmm_brk_blocked");
  EXPECT_EQ(result.out.find("# HELP ljmm_brk_blocked", help + 1), std::string::npos) << "one HELP per family";
  for (const char* name : {"ljmm_low_window_free_bytes{", "comm=\"ljmm-demo\"", "window=\"below-2g\""})
    EXPECT_NE(result.out.find(name), std::string::npos) << name;

  CommandResult several_text = run_command({tool("ljmm-inspect"), hole.pid(), plain.pid()});
  EXPECT_EQ(several_text.exit_code, 2);
  EXPECT_NE(several_text.err.find("several pids need --format=prometheus"), std::string::npos);
}

TEST(Formats, SvgPictureRendersToPng) {
  Demo hole = start_demo("brk-hole");
  std::string svg = ::testing::TempDir() + "/layout-" + std::to_string(::getpid()) + ".svg";
  std::string png = svg + ".png";
  CommandResult result = run_command({"sh", "-c", tool("ljmm-inspect") + " " + hole.pid() + " --format=svg > " + svg});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  CommandResult xml = run_command({system_python, "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", svg});
  EXPECT_EQ(xml.exit_code, 0) << xml.err;
  CommandResult rendered = run_command({"rsvg-convert", svg, "-o", png});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_TRUE(rendered.err.empty()) << rendered.err;
  std::ifstream image(png, std::ios::binary);
  char magic[8] = {};
  image.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::ifstream text(svg);
  std::string content((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
  for (const char* needle : {"s5 heap", "s8 kernel", "brk-blocked", "malloc-mmap-fallback"})
    EXPECT_NE(content.find(needle), std::string::npos) << needle;
}

}  // namespace
}  // namespace ljmm::test
