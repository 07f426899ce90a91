"""ljmm-inspect --format=html in a real browser (Debian's headless Chromium): the snapshot page of the
demo, a diff page and the host page load from file:// with no console error and no request but the
page itself, hold one element per region, show details on hover, zoom to the blocker at the break
when its finding is clicked, and draw a picture that is not blank, at 1280x720 and at a phone's width.
usage: page_test.py BIN_DIR SOURCE_DIR ARTIFACT_DIR. Exit 77 (skipped) without Chromium, but
under CI=true a browser test that cannot run fails."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page_case import HEIGHT, WIDTH, PageCase, main  # noqa: E402


class PageTest(PageCase):
    @classmethod
    def setUpClass(cls):
        cls.start_browser()
        cls.demo = subprocess.Popen([f"{cls.bin_dir}/ljmm-demo", "brk-hole", "--mib", "8"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        cls.pid = json.loads(cls.demo.stdout.readline())["pid"]
        # The demo's page from its saved snapshot: the test compares the page with the snapshot.
        cls.snapshot = json.loads(cls.inspect(str(cls.pid), "--json"))
        snapshot_path = cls.write("demo-snapshot.json", json.dumps(cls.snapshot))
        cls.page = cls.write("demo.html", cls.inspect("--snapshot", snapshot_path, "--format=html"))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.demo.stdin.close()
        cls.demo.wait()

    def box(self, page, start, end):
        page.wait_for("ljmm.idle()")
        return page.evaluate(f"ljmm.rangeBox('{start}', '{end}')")

    def hover(self, page, box):
        page.mouse("mouseMoved", (box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)
        page.wait_for("!document.querySelector('.tooltip').hidden")
        return page.evaluate("document.querySelector('.tooltip').textContent")

    def test_snapshot_page_offline_one_element_per_region(self):
        page = self.open(self.page)
        self.assert_clean(page, self.page)
        elements = page.evaluate("[...document.querySelectorAll('[data-start]')]"
                                 ".map((e) => [e.dataset.start, e.dataset.segment])")
        self.assertEqual(elements, [[r["start"], r["segment"]] for r in self.snapshot["regions"]])

    def test_hover_on_a_region_shows_its_details(self):
        page = self.open(self.page)
        region = max(self.snapshot["regions"], key=lambda r: r["size"])  # the widest on the screen
        tooltip = self.hover(page, self.box(page, region["start"], region["end"]))
        self.assertIn(region["start"], tooltip)
        self.assertIn(region["role"] if region["role"] != "none" else region["kind"], tooltip)
        self.assertIn(region["start"], page.evaluate("document.querySelector('.details-body').textContent"))

    def test_clicking_brk_blocked_zooms_to_the_blocker(self):
        page = self.open(self.page)
        finding = next(f for f in self.snapshot["findings"] if f["id"] == "brk-blocked")
        start = finding["metrics"]["blocker_start"]
        end = hex(int(start, 16) + finding["metrics"]["blocker_size"])
        button = page.evaluate("(() => { const b = [...document.querySelectorAll('.finding-button')]"
                               ".find((e) => e.textContent.includes('brk-blocked')); b.scrollIntoView({block: 'center'});"
                               " const r = b.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        page.click(*button)
        page.evaluate("window.scrollTo(0, 0)")
        box = self.box(page, start, end)
        self.assertIsNotNone(box, "the blocker is in view")
        canvas = page.evaluate("(() => { const r = document.querySelector('canvas.map').getBoundingClientRect();"
                               " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })()")
        self.assertGreaterEqual(box["right"] - box["left"], 20, "wide enough to see")
        self.assertTrue(canvas["left"] <= box["left"] and box["right"] <= canvas["right"] <= WIDTH)
        self.assertTrue(0 <= box["top"] and box["bottom"] <= min(canvas["bottom"], HEIGHT))
        self.assertIn("brk blocker", self.hover(page, box))

    def test_keyboard_zooms_and_resets(self):
        page = self.open(self.page)
        width = "(() => { const v = ljmm.map().view; return v.u1 - v.u0; })()"
        full = page.evaluate(width)
        page.evaluate("document.querySelector('canvas.map').focus()")
        page.key("+")
        page.wait_for("ljmm.idle()")
        self.assertAlmostEqual(page.evaluate(width), full / 2, delta=full * 0.01)
        page.key("0")
        page.wait_for(f"ljmm.idle() && {width} >= {full}")

    def test_screenshot_is_a_picture(self):
        page = self.open(self.page)
        colours = set(page.evaluate("JSON.parse(document.getElementById('ljmm-data').textContent).segments"
                                    ".map((s) => s.colour)"))
        counts = self.screenshot(page, "demo-page.png")
        segments = {s: n for s, n in counts.items() if s in colours}
        self.assertGreaterEqual(len(counts), 20, "many colours, not a blank page")
        self.assertGreaterEqual(len(segments), 5, f"segment colours drawn: {segments}")

    def test_phone_width(self):
        page = self.open(self.page, 390, 844)
        self.assert_clean(page, self.page)
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390, "no sideways scrolling")
        self.assertLessEqual(page.evaluate("document.querySelector('canvas.map').getBoundingClientRect().right"), 390)
        self.assertGreaterEqual(len(self.screenshot(page, "demo-phone.png")), 20)

    def test_diff_page_marks_changes(self):
        with open(f"{self.source_dir}/test/data/brk-hole-pie.maps") as file:
            before = file.read()
        after = (before.replace("556f62156000-556f62178000", "556f62156000-556f62200000")
                 .replace("7f670d3db000-7f670d3dd000", "7f670d3d2000-7f670d3d8000"))
        before_path, after_path = self.write("before.maps", before), self.write("after.maps", after)
        diff = json.loads(self.inspect("--diff", before_path, after_path, "--format=json"))
        path = self.write("diff.html", self.inspect("--diff", before_path, after_path, "--format=html"))
        page = self.open(path)
        self.assert_clean(page, path)
        marked = page.evaluate("[...document.querySelectorAll('.region-list [data-change]')]"
                               ".map((e) => e.dataset.change).sort()")
        kinds = [c["change"] for c in diff["regions"]]
        expected = sorted([k for k in kinds if k != "added"] + [k for k in kinds if k != "removed"])
        self.assertEqual(marked, expected)
        self.assertEqual(page.evaluate("document.querySelectorAll('.change-list button').length"), len(kinds))

    def test_host_page_worst_first_each_process_opens(self):
        path = self.write("host.html", self.inspect("--all", "--format=html"))
        page = self.open(path)
        self.assert_clean(page, path)
        rows = page.evaluate("[...document.querySelectorAll('table.host tbody tr')]"
                             ".map((tr) => [tr.cells[0].textContent, tr.classList[0]])")
        rank = {"sev-error": 2, "sev-warning": 1, "sev-none": 0}
        self.assertEqual([r[1] for r in rows], sorted((r[1] for r in rows), key=rank.get, reverse=True), "worst first")
        self.assertIn([str(self.pid), "sev-" + self.snapshot["findings"][0]["severity"]], rows)
        button = page.evaluate(f"(() => {{ const b = document.querySelector('button[aria-label=\"Show the layout of pid "
                               f"{self.pid}\"]'); b.scrollIntoView({{block: 'center'}}); const r = b.getBoundingClientRect();"
                               " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        page.click(*button)
        page.wait_for(f"document.querySelector('.process h1').textContent.startsWith('pid {self.pid} ')")
        regions = page.evaluate(f"JSON.parse(document.getElementById('ljmm-data').textContent).layouts"
                                f".find((l) => l.pid === {self.pid}).regions.length")
        self.assertEqual(page.evaluate("document.querySelectorAll('.process [data-start]').length"), regions)
        self.assertEqual(page.console_errors(), [])


if __name__ == "__main__":
    PageTest.source_dir = sys.argv[2] if len(sys.argv) > 2 else None
    main(PageTest, sys.argv[1:2] + sys.argv[3:])
