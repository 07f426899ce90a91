#!/usr/bin/env python3
"""The recording page of a large recording: test/progs/mmap_storm PAIRS (an mmap and a munmap each,
20,000 events for 10,000 pairs) recorded with ljmm-trace --record; how long
`ljmm-inspect --recording R --format=html` takes, the page's size and frames, and in Debian's
headless Chromium at 1280x720, fresh loads each: the time to the page's ready mark (its own
performance.now(), and Page.navigate to ready from outside), and once ready how long one frame
step (← on the slider), a jump from the last frame to the first (Home) and filtering the events
by call take to reach the screen (the input sent until two animation frames later).
usage: bench/recording_page_bench.py BUILD_DIR [PAIRS] [RUNS]"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "browser"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium import Browser, find_chromium  # noqa: E402
from html_page_bench import NEXT_FRAME, fresh_load, spread  # noqa: E402


def record(build_dir, pairs, path):
    subprocess.run([f"{build_dir}/bin/ljmm-trace", "--record", path, "--", f"{build_dir}/test/progs/mmap_storm",
                    str(pairs)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(path) as file:
        return sum(1 for line in file if '"type":"event"' in line)


def write_page(build_dir, recording, path):
    started = time.monotonic()
    with open(path, "w") as page:
        subprocess.run([f"{build_dir}/bin/ljmm-inspect", "--recording", recording, "--format=html"], stdout=page,
                       check=True)
    return (time.monotonic() - started) * 1000


def timed(page, action):
    started = time.monotonic()
    action()
    page.evaluate(NEXT_FRAME)
    return (time.monotonic() - started) * 1000


def one_load(browser, url):
    page, ready, outside = fresh_load(browser, url)
    page.evaluate("document.querySelector('.frame-slider').focus()")
    step = timed(page, lambda: page.key("ArrowLeft"))
    page.key("End")
    page.wait_for("ljmm.idle()")
    jump = timed(page, lambda: page.key("Home"))
    filtering = timed(page, lambda: page.evaluate(
        "(() => { const s = document.querySelector('select[data-filter=\"call\"]'); s.value = '1';"
        " s.dispatchEvent(new Event('change')); })()"))
    frames, errors = page.evaluate("ljmm.frames()"), page.console_errors()
    page.close()
    return ready, outside, step, jump, filtering, frames, errors


def main():
    build_dir = sys.argv[1]
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    work = tempfile.mkdtemp(prefix="ljmm-recording-bench-")
    recording, path = os.path.join(work, "storm.jsonl"), os.path.join(work, "storm.html")
    events = record(build_dir, pairs, recording)
    writes = [write_page(build_dir, recording, path) for _ in range(runs)]
    with open(path) as file:
        text = file.read()
    data = json.loads(text[text.index('id="ljmm-data">') + 15:text.index("</script>")])["recording"]
    browser = Browser(find_chromium())
    try:
        results = [one_load(browser, "file://" + path) for _ in range(runs)]
    finally:
        browser.close()
    for *_, frames, errors in results:
        if frames != len(data["frames"]) or errors:
            sys.exit(f"the page is wrong: {frames} frames of {len(data['frames'])}, errors {errors}")
    print(f"{events} events, recording {os.path.getsize(recording) / 1e6:.1f} MB; page {len(text) / 1e6:.2f} MB, "
          f"{len(data['frames'])} frames of {data['changes']} instants (sampled: {data['sampled']})")
    print(f"ljmm-inspect --format=html (min / median / max, ms): {spread(writes)}")
    print(f"{runs} fresh loads (min / median / max, ms):")
    print("| ready (page's own clock) | navigate to ready | one frame step | last to first frame | filter events |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print("| " + " | ".join(spread([r[i] for r in results]) for i in range(5)) + " |")
    for name in (recording, path):
        os.remove(name)
    os.rmdir(work)


if __name__ == "__main__":
    main()
