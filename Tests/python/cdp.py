"""A small Chromium driver over the DevTools protocol, stdlib only.

Chromium runs headless with `--remote-debugging-pipe`: it reads commands from its fd 3 and writes
answers and events to its fd 4, each message JSON ending in a NUL byte. One page target is made
(Target.createTarget), attached with `flatten`, and every page command carries its sessionId.

What the driver does is what a person at the phone does: it opens an address, types into fields,
picks an option, ticks a box and taps a form's submit button (a real mouse press and release at
the button's centre, so the browser itself validates and posts the form with its cookies,
SameSite=Strict ones included, and the Origin it would send). The scripts it runs
(Runtime.evaluate) stand in for the typing and reading; the pages carry none.

    with Chromium(tmp_path / "profile") as page:
        page.open(base + "/petugas/masuk")
        page.fill("#kunci", token)
        page.submit("form")
        assert "Halaman petugas" in page.text()
        page.screenshot("petugas-home")

Every wait has a deadline (30 s by default) and fails with an assertion that says what it waited
for; `close()` (or leaving the `with`) kills Chromium and its children.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from test_portal import ARTIFACTS, PHONE, chromium_binary  # noqa: F401  (ARTIFACTS: where screenshots go)

SIZE = tuple(int(n) for n in PHONE.split(","))  # 390 x 844
TIMEOUT = 30.0


def _high(fd: int) -> int:
    """`fd` moved to a number of 10 or more (close-on-exec), so that giving the child its fds 3
    and 4 cannot overwrite one of them."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """One headless Chromium with one page at phone size and its own profile (cookies)."""

    def __init__(self, profile: Path | None = None, *, size: tuple[int, int] = SIZE, timeout: float = TIMEOUT):
        self.timeout = timeout
        self.size = size
        self._own_profile = profile is None
        self.profile = Path(tempfile.mkdtemp(prefix="cdp-profile-")) if profile is None else Path(profile)
        self.profile.mkdir(parents=True, exist_ok=True)
        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self._events: list[dict] = []
        self._inbox: queue.Queue = queue.Queue()
        self.status: int | None = None  # the HTTP status of the page's last document
        self.url: str | None = None
        self.session: str | None = None
        self.frame: str | None = None
        self.process: subprocess.Popen | None = None

        to_child_r, to_child_w = (_high(fd) for fd in os.pipe())
        from_child_r, from_child_w = (_high(fd) for fd in os.pipe())
        self._log = tempfile.TemporaryFile()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                 "--disable-sync", "--disable-component-update", "--disable-features=BackForwardCache", "--hide-scrollbars", "--mute-audio",
                 f"--window-size={size[0]},{size[1]}", f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
                 "about:blank"]
        # The shell gives the pipe's ends to Chromium as its fds 3 (commands in) and 4 (messages out)
        # (bash: dash takes no fd numbers above 9).
        script = f'exec "$@" 3<&{to_child_r} 4>&{from_child_w} {to_child_r}<&- {from_child_w}>&-'
        try:
            self.process = subprocess.Popen([shutil.which("bash") or "/bin/bash", "-c", script, "bash", chromium_binary(), *flags],
                                            pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
                                            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._out = os.fdopen(to_child_w, "wb", buffering=0)
        self._reader = threading.Thread(target=self._read, args=(from_child_r,), daemon=True)
        self._reader.start()
        try:
            self._start_page()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ the protocol

    def _read(self, fd: int) -> None:
        buffer = b""
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while True:
                chunk = pipe.read(1 << 16)
                if not chunk:
                    self._inbox.put(None)
                    return
                buffer += chunk
                while b"\0" in buffer:
                    message, buffer = buffer.split(b"\0", 1)
                    self._inbox.put(json.loads(message))

    def _pump(self, deadline: float, waiting_for: str) -> None:
        """Takes one message off the pipe into `_answers` or `_events`."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"Chromium: waited {self.timeout:.0f} s for {waiting_for} in vain (page {self.url})")
        try:
            message = self._inbox.get(timeout=left)
        except queue.Empty:
            raise AssertionError(f"Chromium: waited {self.timeout:.0f} s for {waiting_for} in vain (page {self.url})") from None
        if message is None:
            raise AssertionError(f"Chromium closed its pipe while waiting for {waiting_for}: {self.output()}")
        if "id" in message:
            self._answers[message["id"]] = message
        else:
            self._note(message)
            self._events.append(message)

    def _note(self, event: dict) -> None:
        """Keeps the status and address of the page's documents as their responses come in."""
        if event.get("method") == "Network.responseReceived" and event["params"].get("type") == "Document":
            response = event["params"]["response"]
            if event["params"].get("frameId") in (None, self.frame):
                self.status, self.url = response["status"], response["url"]

    def send(self, method: str, params: dict | None = None, *, browser: bool = False, timeout: float | None = None) -> dict:
        """A command (to the page's session, or to the browser) and its result; an error fails."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if not browser:
            message["sessionId"] = self.session
        self._out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while self._next_id not in self._answers:
            self._pump(deadline, f"answer to {method}")
        answer = self._answers.pop(self._next_id)
        if "error" in answer:
            raise AssertionError(f"Chromium refused {method} {json.dumps(params)[:300]}: {answer['error']}")
        return answer.get("result", {})

    def wait_event(self, method: str, after: int = 0, *, timeout: float | None = None, what: str | None = None) -> dict:
        """The first event `method` of the page's session at or after index `after` of the events."""
        deadline = time.monotonic() + (timeout or self.timeout)
        i = after
        while True:
            while i < len(self._events):
                event = self._events[i]
                i += 1
                if event.get("method") == method and event.get("sessionId") in (None, self.session):
                    return event["params"]
            self._pump(deadline, what or method)

    def _start_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"},
                           browser=True)
        self.session = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                                 browser=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")
        self.frame = self.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        self.send("Emulation.setDeviceMetricsOverride", {"width": self.size[0], "height": self.size[1],
                                                          "deviceScaleFactor": 1, "mobile": True})

    # ------------------------------------------------------------ what a person does

    def open(self, url: str) -> "Chromium":
        """Goes to `url` and waits until the page has loaded."""
        mark = len(self._events)
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise AssertionError(f"Chromium could not open {url}: {result['errorText']}")
        self.wait_event("Page.loadEventFired", mark, what=f"load of {url}")
        return self

    def evaluate(self, expression: str) -> Any:
        """The value of a script expression in the page (what the driver reads or types with)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise AssertionError(f"in {self.url}: {details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def _element(self, selector: str) -> str:
        """A script expression of the element `selector` names, failing clearly when there is none."""
        quoted = json.dumps(selector)
        return (f"(() => {{ const e = document.querySelector({quoted}); "
                f"if (!e) throw new Error('no element ' + {quoted} + ' on the page'); return e; }})()")

    def fill(self, selector: str, value: str) -> "Chromium":
        """Types `value` into the field (replacing what it held), as its input and change events say."""
        self.evaluate(f"(() => {{ const e = {self._element(selector)}; e.focus(); e.value = {json.dumps(value)}; "
                      "e.dispatchEvent(new Event('input', {bubbles: true})); "
                      "e.dispatchEvent(new Event('change', {bubbles: true})); })()")
        return self

    def select(self, selector: str, value: str, *, unlisted: bool = False) -> "Chromium":
        """Picks the option `value` of a <select>. A value the page does not offer fails, unless
        `unlisted`: then an option with it is added first (what someone editing the page in the
        browser's tools can do), so that the server's own check is what refuses it."""
        offered = self.evaluate(f"Array.from({self._element(selector)}.options).map(o => o.value)")
        if value not in offered:
            assert unlisted, f"{selector} offers {offered[:20]}, not {value!r}"
            self.evaluate(f"(() => {{ const o = document.createElement('option'); o.value = {json.dumps(value)}; "
                          f"o.textContent = {json.dumps(value)}; {self._element(selector)}.appendChild(o); }})()")
        return self.fill(selector, value)

    def upload(self, selector: str, path: Path) -> "Chromium":
        """Chooses the file `path` in the file input `selector`, as a user picking it would."""
        found = self.send("Runtime.evaluate", {"expression": self._element(selector)})
        if "exceptionDetails" in found:
            raise AssertionError(f"in {self.url}: no file input {selector}")
        self.send("DOM.setFileInputFiles", {"files": [str(path)], "objectId": found["result"]["objectId"]})
        return self

    def check(self, selector: str, on: bool = True) -> "Chromium":
        """Ticks (or clears) a checkbox."""
        self.evaluate(f"(() => {{ const e = {self._element(selector)}; if (e.checked !== {json.dumps(on)}) e.click(); }})()")
        return self

    def value(self, selector: str) -> str:
        return self.evaluate(f"{self._element(selector)}.value")

    def _tap(self, x: float, y: float) -> None:
        """A mouse press and release at (x, y) of the visual viewport (what the phone's screen
        shows: a page wider than the screen leaves the layout viewport's rectangles offset)."""
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def click(self, selector: str) -> "Chromium":
        """Taps the element (a <summary> to open its <details>) at its centre, scrolled into view;
        waits for nothing (a tap that leads to another page: `submit`)."""
        box = self.evaluate(f"""(() => {{ const e = {self._element(selector)}; e.scrollIntoView({{block: 'center'}});
            const r = e.getBoundingClientRect(), v = window.visualViewport;
            return {{x: r.left + r.width / 2 - v.offsetLeft, y: r.top + r.height / 2 - v.offsetTop, w: r.width, h: r.height}};
        }})()""")
        assert box["w"] > 0 and box["h"] > 0, f"{selector} is not shown on {self.url}, so it cannot be tapped"
        self._tap(box["x"], box["y"])
        return self

    def submit(self, selector: str) -> "Chromium":
        """Taps the submit button of the form `selector` names (or the button itself) like a
        person: scrolled into view, a mouse press and release at its centre. Waits for the page
        the form leads to."""
        button = json.dumps(selector)
        found = self.evaluate(f"""(() => {{
            let e = document.querySelector({button});
            if (!e) return {{error: 'no element ' + {button} + ' on the page'}};
            if (e.tagName === 'FORM') e = e.querySelector('button[type=submit], input[type=submit], button:not([type])')
                || (e.id && document.querySelector('[form="' + e.id + '"][type=submit]'));
            if (!e) return {{error: 'the form ' + {button} + ' has no submit button'}};
            const form = e.form;
            if (form && !form.checkValidity()) {{
                const bad = Array.from(form.elements).filter(f => f.willValidate && !f.checkValidity())
                    .map(f => (f.name || f.id) + ': ' + f.validationMessage);
                return {{error: 'the browser would not send the form: ' + bad.join('; ')}};
            }}
            e.scrollIntoView({{block: 'center'}});
            const r = e.getBoundingClientRect(), v = window.visualViewport;
            if (!r.width || !r.height) return {{error: 'its button is not shown (in a closed <details>?)'}};
            return {{x: r.left + r.width / 2 - v.offsetLeft, y: r.top + r.height / 2 - v.offsetTop}};
        }})()""")
        assert "error" not in found, f"submit {selector} on {self.url}: {found['error']}"
        mark = len(self._events)
        self._tap(found["x"], found["y"])
        self.wait_event("Page.loadEventFired", mark, what=f"the page that tapping {selector} leads to")
        return self

    def back(self) -> "Chromium":
        """The browser's back button."""
        history = self.send("Page.getNavigationHistory")
        index = history["currentIndex"]
        assert index > 0, "no page to go back to"
        mark = len(self._events)
        self.send("Page.navigateToHistoryEntry", {"entryId": history["entries"][index - 1]["id"]})
        self.wait_event("Page.loadEventFired", mark, what="the page before")
        return self

    def reload(self) -> "Chromium":
        mark = len(self._events)
        self.send("Page.reload")
        self.wait_event("Page.loadEventFired", mark, what="the page reloaded")
        return self

    # ------------------------------------------------------------ what the page shows

    def html(self) -> str:
        return self.evaluate("document.documentElement.outerHTML")

    def text(self) -> str:
        return self.evaluate("document.body.innerText")

    def screenshot(self, name: str, *, show: str | None = None) -> Path:
        """The page as the phone shows it (after scrolling `show` into view) in ARTIFACTS/name.png."""
        if show:
            self.evaluate(f"{self._element(show)}.scrollIntoView({{block: 'start'}})")
        else:
            self.evaluate("window.scrollTo(0, 0)")
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        path.write_bytes(base64.b64decode(data))
        assert path.stat().st_size > 0, f"empty screenshot {path}"
        return path

    # ------------------------------------------------------------ the end

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-1500:]

    def close(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.send("Browser.close", browser=True, timeout=5)
                self.process.wait(timeout=5)
            except (AssertionError, OSError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: Chromium and its children
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None
        try:
            self._out.close()
        except (OSError, AttributeError):
            pass
        self._log.close()
        if self._own_profile:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
