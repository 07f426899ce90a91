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
  // prometheus_client's own parser (python3-prometheus-client): it rejects malformed lines. It
  // accepts a repeated series, which node_exporter refuses, so the script checks that too.
  std::string script =
      "import sys, json\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "out, seen = {}, set()\n"
      "for family in text_string_to_metric_families(sys.stdin.read()):\n"
      "    for s in family.samples:\n"
      "        series = (s.name, tuple(sorted(s.labels.items())))\n"
      "        if series in seen: sys.exit('repeated series %r' % (series,))\n"
      "        seen.add(series)\n"
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
  // Heap plus fallback: the same work reads about the same whether the break is blocked or not.
  double hole_malloc = metrics["ljmm_malloc_bytes"][hole.pid()],
         plain_malloc = metrics["ljmm_malloc_bytes"][plain.pid()];
  EXPECT_GT(plain_malloc, 8e6);
  EXPECT_NEAR(hole_malloc, plain_malloc, plain_malloc * 0.25);
  EXPECT_GT(metrics["ljmm_brk_room_bytes"][plain.pid()].get<double>(), 1e9);
  EXPECT_GT(metrics["ljmm_mappings"][plain.pid()].get<double>(), 10);
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '#') % 2, 0);
  size_t help = result.out.find("# HELP ljmm_brk_blocked");
  EXPECT_EQ(result.out.find("# HELP ljmm_brk_blocked", help + 1), std::string::npos) << "one HELP per family";
  for (const char* name : {"ljmm_low_window_free_bytes{", "comm=\"ljmm-demo\"", "window=\"below-2g\""})
    EXPECT_NE(result.out.find(name), std::string::npos) << name;

  EXPECT_NE(result.out.find("ljmm_finding{pid=\"" + hole.pid() +
                            "\",comm=\"ljmm-demo\",id=\"low-window-budget\","
                            "severity=\"info\"} 3"),
            std::string::npos)
      << "one finding per low window, counted in one series";

  // A process that is gone by the time it is read (a worker after a reload) is left out, said
  // on stderr; the same process twice is one set of series.
  CommandResult with_gone =
      run_command({tool("ljmm-inspect"), "--format=prometheus", hole.pid(), "999999999", hole.pid()});
  ASSERT_EQ(with_gone.exit_code, 0) << with_gone.err;
  EXPECT_EQ(with_gone.err, "ljmm-inspect: pid 999999999: no such process; left out\n");
  EXPECT_EQ(run_command({system_python, "-c", script}, with_gone.out).exit_code, 0);
  CommandResult all_gone = run_command({tool("ljmm-inspect"), "--format=prometheus", "999999998", "999999999"});
  EXPECT_EQ(all_gone.exit_code, 3);
  EXPECT_NE(all_gone.err.find("none of the 2 processes could be read"), std::string::npos) << all_gone.err;

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
  CommandResult xml =
      run_command({system_python, "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", svg});
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
