"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): no port,
no websocket, nothing but Debian's chromium and python3's standard library. Every console message
and every network request of a page is recorded, so tests can count them."""
import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

# What headless Chromium needs here (as root, in a container), and nothing that reaches out.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--remote-debugging-pipe"]


def find_chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="ljmm-chromium-")
        to_chrome, self.writer = os.pipe()
        self.reader, from_chrome = os.pipe()

        def give_pipes():  # Chromium reads commands on fd 3 and writes answers on fd 4
            high_in, high_out = os.dup(to_chrome) + 0, os.dup(from_chrome)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.process = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=give_pipes, pass_fds=(3, 4))
        os.close(to_chrome)
        os.close(from_chrome)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.writer)
        os.close(self.reader)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def pump(self, seconds):
        """Collects the events that arrive in the next `seconds`."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def new_page(self, width, height, mobile=False):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        return page


class Page:
    def __init__(self, browser, session, target):
        self.browser = browser
        self.session = session
        self.target = target

    def close(self):
        self.browser.send("Target.closeTarget", {"targetId": self.target})

    def send(self, method, params=None, timeout=30):
        return self.browser.send(method, params, self.session, timeout)

    def my_events(self, *methods):
        return [e["params"] for e in self.browser.events if e.get("sessionId") == self.session and e["method"] in methods]

    def open(self, url, ready="document.documentElement.dataset.ready === 'true'", timeout=30):
        self.send("Page.navigate", {"url": url})
        self.wait_for(ready, timeout)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"(() => {{ try {{ return Boolean({expression}); }} catch (e) {{ return false; }} }})()"):
                return
            self.browser.pump(0.05)
        raise TimeoutError(f"waited {timeout} s for {expression}")

    def mouse(self, kind, x, y, buttons=0, button="none", clicks=0):
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "buttons": buttons, "button": button,
                                               "clickCount": clicks})

    def click(self, x, y):
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, 1, "left", 1)
        self.mouse("mouseReleased", x, y, 0, "left", 1)

    def key(self, key):
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": key, "text": key if len(key) == 1 else ""})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key})

    def screenshot(self):
        self.browser.send("Target.activateTarget", {"targetId": self.target})
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])

    def console_errors(self):
        """Exceptions, console.error and console.warn, and the browser's own errors (a blocked request)."""
        errors = [e["exceptionDetails"].get("text", "") + str(e["exceptionDetails"].get("exception", {}).get("description"))
                  for e in self.my_events("Runtime.exceptionThrown")]
        errors += [" ".join(str(a.get("value", a.get("description"))) for a in e["args"])
                   for e in self.my_events("Runtime.consoleAPICalled") if e["type"] in ("error", "warning", "assert")]
        errors += [e["entry"]["text"] for e in self.my_events("Log.entryAdded") if e["entry"]["level"] in ("error", "warning")]
        return errors

    def requests(self):
        return [e["request"]["url"] for e in self.my_events("Network.requestWillBeSent")]
