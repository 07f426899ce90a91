"""What the browser tests of the pages share: running ljmm's tools, keeping artifacts, opening a
page in a fresh tab, checking it made no request and logged no error, keeping a screenshot, and
the rule that under CI=true a browser test that cannot run fails."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium import Browser, find_chromium  # noqa: E402
from png import colour_counts  # noqa: E402

WIDTH, HEIGHT = 1280, 720


class PageCase(unittest.TestCase):
    bin_dir = artifacts = None  # set by main()
    browser = None

    @classmethod
    def start_browser(cls):
        os.makedirs(cls.artifacts, exist_ok=True)
        cls.browser = Browser(find_chromium())

    @classmethod
    def tearDownClass(cls):
        if cls.browser:
            cls.browser.close()

    @classmethod
    def tool(cls, name, *args):
        return subprocess.run([f"{cls.bin_dir}/{name}", *args], check=True, capture_output=True, text=True).stdout

    @classmethod
    def inspect(cls, *args):
        return cls.tool("ljmm-inspect", *args)

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.artifacts, name)
        with open(path, "w") as file:
            file.write(text)
        return path

    def open(self, path, width=WIDTH, height=HEIGHT):
        page = self.browser.new_page(width, height, mobile=width < 600)
        self.addCleanup(page.close)
        page.open("file://" + path)
        self.browser.pump(0.3)
        return page

    def assert_clean(self, page, path):
        self.assertEqual(page.console_errors(), [])
        self.assertEqual(page.requests(), ["file://" + path], "no request but the page itself")

    def screenshot(self, page, name):
        png = page.screenshot()
        with open(os.path.join(self.artifacts, name), "wb") as file:
            file.write(png)
        return colour_counts(png)

    def page_data(self, page):
        return page.evaluate("JSON.parse(document.getElementById('ljmm-data').textContent)")


def main(case, argv):
    """argv: BIN_DIR ARTIFACT_DIR, then unittest's own arguments."""
    if find_chromium() is None:
        print(f"{os.path.basename(sys.argv[0])}: Debian's chromium is not installed (setup.sh installs it)")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)
    case.bin_dir, case.artifacts = argv[0], argv[1]
    unittest.main(argv=sys.argv[:1] + argv[2:], verbosity=2)
