"""The recording page in a real browser (Debian's headless Chromium): recordings of real programs
made with `ljmm-trace --record` (test/progs/film_markers, which marks instants with a failing
mprotect, and the brk-hole demo, whose break gets blocked), their pages written by
`ljmm-inspect --recording R --pid P --format=html`. The pages load from file:// with no console
error and no request; at every marker the slider shows exactly the regions `--at` gives then; the
keys step frames and the play button plays; the instants where findings first appear are marked
and listed, and show their frame; the event list filters by call, process and call site.
usage: recording_test.py BIN_DIR PROGS_DIR ARTIFACT_DIR. Exit 77 (skipped) without Chromium, but
under CI=true a browser test that cannot run fails."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page_case import PageCase, main  # noqa: E402
from png import colour_counts  # noqa: E402

MARKER_BASE = 0xA11CE0000000  # test/progs/film_markers.c


def read_events(path):
    with open(path) as file:
        lines = [json.loads(line) for line in file]
    return [line for line in lines if line.get("type") == "event"]


def markers(events):
    """(pid, time_ns) of every marker call: a failing mprotect at MARKER_BASE + ID * 4096 + 1."""
    return [(e["pid"], e["time_ns"]) for e in events if e.get("syscall") == "mprotect" and e["failed"]
            and int(e["raw_args"][0], 16) & ~0xFFFFFFF == MARKER_BASE]


def maps_at(recording, pid, time_ns):
    """[start, end, perms, pathname] of every region `ljmm-inspect --at` gives."""
    text = RecordingTest.inspect("--recording", recording, "--pid", str(pid), "--at", f"{time_ns}ns", "--format=maps")
    regions = []
    for line in text.splitlines():
        fields = line.split(None, 5)
        start, end = (int(a, 16) for a in fields[0].split("-"))
        regions.append([hex(start), hex(end), fields[1], fields[5] if len(fields) > 5 else ""])
    return regions


def frame_at(data, time_ns):
    frames = [f["time_ns"] for f in data["recording"]["frames"]]
    return max([i for i, t in enumerate(frames) if t <= time_ns], default=0)


SHOWN_REGIONS = ("(() => { const l = ljmm.map().tracks[0].layout.raw; return l.regions.map((r) => "
                 "[r[0], '0x' + (BigInt(r[0]) + BigInt(r[1])).toString(16), r[2], l.paths[r[5]]]); })()")
LISTED_STARTS = "[...document.querySelectorAll('.region-list [data-start]')].map((e) => e.dataset.start)"
FINDINGS = "document.querySelector('.finding-list').textContent"


class RecordingTest(PageCase):
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(cls.artifacts, ignore_errors=True)  # no page of an earlier run's processes
        cls.start_browser()
        work = os.path.join(cls.artifacts, "markers")
        os.makedirs(work, exist_ok=True)
        cls.markers_rec = os.path.join(cls.artifacts, "markers.jsonl")
        cls.tool("ljmm-trace", "--record", cls.markers_rec, "--", f"{cls.progs_dir}/film_markers", work)
        cls.demo_rec = os.path.join(cls.artifacts, "demo.jsonl")
        cls.tool("ljmm-trace", "--record", cls.demo_rec, "--", f"{cls.bin_dir}/ljmm-demo", "brk-hole", "--no-wait")
        cls.events = read_events(cls.markers_rec)
        cls.markers = markers(cls.events)
        cls.pages = {}
        for pid in sorted({pid for pid, _ in cls.markers}):
            cls.pages[pid] = cls.write(f"markers-{pid}.html", cls.inspect("--recording", cls.markers_rec, "--pid",
                                                                           str(pid), "--format=html"))
        cls.demo_page = cls.write("demo.html", cls.inspect("--recording", cls.demo_rec, "--format=html"))

    def show_frame(self, page, frame):
        """Moves the slider as a person does: its value, then the input event."""
        page.evaluate(f"(() => {{ const s = document.querySelector('.frame-slider'); s.value = {frame}; "
                      "s.dispatchEvent(new Event('input', {bubbles: true})); })()")
        page.wait_for(f"ljmm.frame() === {frame} && ljmm.idle()")

    def click_on(self, page, selector):
        x, y = page.evaluate(f"(() => {{ const e = document.querySelector(\"{selector}\"); e.scrollIntoView({{block: 'center'}});"
                             " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        page.click(x, y)

    def test_pages_load_offline(self):
        for path in [*self.pages.values(), self.demo_page]:
            page = self.open(path)
            self.assert_clean(page, path)

    def test_slider_at_each_marker_shows_the_layout_at_that_time(self):
        self.assertGreaterEqual(len(self.markers), 11, "every marker of film_markers was recorded")
        for pid, path in self.pages.items():
            page = self.open(path)
            data = self.page_data(page)
            self.assertFalse(data["recording"]["sampled"])
            for _, time_ns in [m for m in self.markers if m[0] == pid]:
                self.show_frame(page, frame_at(data, time_ns))
                expected = maps_at(self.markers_rec, pid, time_ns)
                self.assertEqual(page.evaluate(SHOWN_REGIONS), expected, f"pid {pid} at {time_ns} ns")
                self.assertEqual(page.evaluate(LISTED_STARTS), [r[0] for r in expected], f"pid {pid} at {time_ns} ns")
            self.assertEqual(page.console_errors(), [])

    def test_keys_step_frames_and_play(self):
        page = self.open(next(iter(self.pages.values())))
        last = page.evaluate("ljmm.frames()") - 1
        page.evaluate("document.querySelector('.frame-slider').focus()")
        for key, frame in [("Home", 0), ("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1), ("End", last),
                           ("PageDown", last - 10)]:
            page.key(key)
            page.wait_for(f"ljmm.frame() === {frame}")
        page.key("Home")
        page.key(" ")
        page.wait_for("ljmm.frame() > 0 && document.querySelector('button.play').getAttribute('aria-pressed') === 'true'")
        page.key(" ")
        page.wait_for("document.querySelector('button.play').getAttribute('aria-pressed') === 'false'")
        self.click_on(page, "button.play")
        page.wait_for(f"ljmm.frame() === {last}", timeout=30)
        self.assertEqual(page.evaluate("document.querySelector('button.play').getAttribute('aria-pressed')"), "false")

    def test_findings_onsets_are_marked_and_show_their_frame(self):
        onsets = json.loads(self.inspect("--recording", self.demo_rec, "--timeline", "--format=json"))["onsets"]
        self.assertIn("brk-blocked", [o["finding"]["id"] for o in onsets])
        page = self.open(self.demo_page)
        data = self.page_data(page)
        listed = page.evaluate("[...document.querySelectorAll('.onset-list button')].map((b) => Number(b.dataset.time))")
        self.assertEqual(listed, [o["time_ns"] for o in onsets])
        strip = page.evaluate("(() => { const r = document.querySelector('canvas.timeline').getBoundingClientRect();"
                              " return [r.left, r.top, r.right, r.bottom]; })()")
        warning = data["colours"]["warning"]
        self.assertIn(warning, colour_counts(page.screenshot(), strip), "the onset's line and sign on the timeline")
        index = next(i for i, o in enumerate(onsets) if o["finding"]["id"] == "brk-blocked")
        frame = frame_at(data, onsets[index]["time_ns"])
        self.click_on(page, f".onset-list button[data-onset='{index}']")
        page.wait_for(f"ljmm.frame() === {frame} && ljmm.idle()")
        self.assertIn("brk-blocked", page.evaluate(FINDINGS))
        self.assertGreater(frame, 0)
        page.evaluate(f"ljmm.show({frame - 1})")
        page.wait_for(f"ljmm.frame() === {frame - 1} && ljmm.idle()")
        self.assertNotIn("brk-blocked", page.evaluate(FINDINGS), "not before it first appears")

    def test_event_list_filters_and_shows_the_frame_of_an_event(self):
        pid = next(iter(self.pages))
        page = self.open(self.pages[pid])
        data = self.page_data(page)
        events = data["recording"]["events"]
        shown = "[...document.querySelectorAll('.event-list .ev')]"
        self.assertEqual(page.evaluate(f"{shown}.length"), len(self.events))

        def choose(filter_name, value):
            page.evaluate(f"(() => {{ const s = document.querySelector('select[data-filter=\"{filter_name}\"]');"
                          f" s.value = '{value}'; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")

        choose("call", events["calls"].index("munmap"))
        calls = page.evaluate(f"{shown}.map((e) => e.dataset.call)")
        self.assertEqual(calls, ["munmap"] * sum(1 for e in self.events if e.get("syscall") == "munmap"))
        child = max(self.pages)
        choose("pid", child)
        self.assertEqual(page.evaluate(f"{shown}.length"),
                         sum(1 for e in self.events if e.get("syscall") == "munmap" and e["pid"] == child))
        choose("call", "")
        choose("pid", "")
        self.assertTrue(events["sites"], "call sites named")
        choose("site", 0)
        texts = page.evaluate(f"{shown}.map((e) => e.textContent)")
        self.assertTrue(texts)
        self.assertTrue(all(f"from {events['sites'][0]}" in t for t in texts))
        choose("site", "")
        row = next(i for i, e in enumerate(events["rows"]) if e[1] == pid and e[4] == events["calls"].index("mmap"))
        self.click_on(page, f".event-list .ev[data-e='{row}']")
        page.wait_for(f"ljmm.frame() === {frame_at(data, events['rows'][row][0])}")
        page.wait_for(f"document.querySelector('.ev.current') && document.querySelector('.ev.current').dataset.e === '{row}'")

    def test_screenshots_at_desktop_and_phone_width(self):
        page = self.open(self.demo_page)  # at its last frame: the fallback memory grown, the break blocked
        data = self.page_data(page)
        colours = {s["colour"] for s in data["segments"]}
        counts = self.screenshot(page, "recording-page.png")
        self.assertGreaterEqual(len(counts), 20, "many colours, not a blank page")
        self.assertGreaterEqual(len([c for c in counts if c in colours]), 4, "segment colours drawn")
        phone = self.open(self.demo_page, 390, 844)
        self.assert_clean(phone, self.demo_page)
        self.assertLessEqual(phone.evaluate("document.documentElement.scrollWidth"), 390, "no sideways scrolling")
        self.assertGreaterEqual(len(self.screenshot(phone, "recording-phone.png")), 20)


if __name__ == "__main__":
    RecordingTest.progs_dir = sys.argv[2] if len(sys.argv) > 2 else None
    main(RecordingTest, sys.argv[1:2] + sys.argv[3:])
