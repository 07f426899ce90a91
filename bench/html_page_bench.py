#!/usr/bin/env python3
"""ljmm-inspect --format=html on a process with as many mappings as vm.max_map_count allows
(test/progs/many_mappings): the page's size, and in Debian's headless Chromium at 1280x720, five
fresh loads each: the time from navigation to the page being drawn and answering (its script's
ready mark, performance.now()), the same from outside (Page.navigate to ready, as Python sees it),
and how long a wheel zoom and a hover take to answer once it is ready.
usage: bench/html_page_bench.py BUILD_DIR [RUNS]"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "browser"))
from chromium import Browser, find_chromium  # noqa: E402

NEXT_FRAME = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def page_of_many_mappings(build_dir, path):
    program = subprocess.Popen([f"{build_dir}/test/progs/many_mappings", "70000"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    pid, made = program.stdout.readline().split()
    try:
        with open(f"/proc/{pid}/maps") as maps:
            mappings = sum(1 for _ in maps)
        with open(path, "w") as page:
            subprocess.run([f"{build_dir}/bin/ljmm-inspect", pid, "--format=html"], stdout=page, check=True)
    finally:
        program.stdin.close()
        program.wait()
    return mappings


def fresh_load(browser, url):
    """A new tab at 1280x720 that opens url: the tab, the page's ready mark (its own clock), and
    the time from Page.navigate to the mark seen from outside (ms)."""
    page = browser.new_page(1280, 720)
    started = time.monotonic()
    page.open(url, timeout=60)
    outside = (time.monotonic() - started) * 1000
    return page, page.evaluate("window.ljmmReadyMs"), outside


def one_load(browser, url):
    page, ready, outside = fresh_load(browser, url)
    box = page.evaluate("(() => { const r = document.querySelector('canvas.map').getBoundingClientRect();"
                        " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
    started = time.monotonic()
    page.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": box[0], "y": box[1], "deltaX": 0, "deltaY": -300})
    page.evaluate(NEXT_FRAME)
    wheel = (time.monotonic() - started) * 1000
    started = time.monotonic()
    page.mouse("mouseMoved", box[0] + 3, box[1])
    page.evaluate(NEXT_FRAME)
    hover = (time.monotonic() - started) * 1000
    regions = page.evaluate("document.querySelectorAll('[data-start]').length")
    errors = page.console_errors()
    page.close()
    return ready, outside, wheel, hover, regions, errors


def spread(values):
    return f"{min(values):.0f} / {statistics.median(values):.0f} / {max(values):.0f}"


def main():
    build_dir = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    work = tempfile.mkdtemp(prefix="ljmm-html-bench-")
    path = os.path.join(work, "many.html")
    mappings = page_of_many_mappings(build_dir, path)
    browser = Browser(find_chromium())
    try:
        results = [one_load(browser, "file://" + path) for _ in range(runs)]
    finally:
        browser.close()
    for *_, regions, errors in results:
        if regions != mappings or errors:
            sys.exit(f"the page is wrong: {regions} region elements for {mappings} mappings, errors {errors}")
    print(f"{mappings} mappings, page {os.path.getsize(path) / 1e6:.2f} MB, {runs} fresh loads (min / median / max, ms):")
    print("| ready (page's own clock) | navigate to ready (outside) | wheel zoom to next frame | hover to next frame |")
    print("| ---: | ---: | ---: | ---: |")
    print("| " + " | ".join(spread([r[i] for r in results]) for i in range(4)) + " |")
    os.remove(path)
    os.rmdir(work)


if __name__ == "__main__":
    main()
