#!/usr/bin/env python3
"""Loads rasp-run reports in headless Chromium as a reader would, and checks them.

    browser-check.py [--chromium PATH] [--screenshots DIR] REPORT.html...

Chromium is driven through the DevTools protocol over --remote-debugging-pipe
(file descriptors 3 and 4, NUL-terminated JSON messages), so the standard
library suffices: no websocket client, no driver package. For every report,
at a 1280x800 window:

* no exception, console error or error log entry, and no request other than
  file: or data: URLs (the page must be self-contained);
* the page rendered (`data-rendered` set by main.js) and shows what its own
  data says it should: a graph node per SOp and selector, one residual
  heatmap per stage per input, one pattern per head per input, one card per
  MLP per input, the output table of every input;
* clicking a graph node shows its details; collapsing and expanding the
  residual groups and switching to the layer outputs redraw without error;
* a screenshot of the first screen and of the whole page (PNG), and the
  printed page (PDF, print CSS) are written to --screenshots if given.

Prints one line per report and exits 1 if any check fails.
"""

import argparse
import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time


class Chromium:
    """A headless Chromium speaking the DevTools protocol over a pipe."""

    def __init__(self, binary, timeout=60):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="rasp-report-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire_pipes():
            # Chromium reads commands on fd 3 and writes replies on fd 4.
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--no-default-browser-check",
                "--hide-scrollbars", "--remote-debugging-pipe",
                "--user-data-dir=" + self.profile, "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     preexec_fn=wire_pipes, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.from_child], [], [], left)
            if ready:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, wait=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method):
        deadline = time.monotonic() + self.timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self._read_message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def open_page(self, width, height):
        target = self.send("Target.createTarget", {"url": "about:blank"},
                           session=False)
        attached = self.send("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True},
                             session=False)
        self.session = attached["sessionId"]
        self.target = target["targetId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1,
                   "mobile": False})

    def close_page(self):
        self.send("Target.closeTarget", {"targetId": self.target}, session=False)
        self.session = None
        self.events = []

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate",
                           {"expression": expression, "returnByValue": True,
                            "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluating {expression[:60]}...: "
                               f"{result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self):
        """Errors and foreign requests among the events seen so far."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                found.append(f"exception: {text}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                found.append(f"console.{params['type']}: {args}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not re.match(r"(file|data|about|blob):", url):
                    found.append(f"request to {url}")
        self.events = []
        return found


def report_data(path):
    """The JSON data inlined in a report."""
    with open(path, encoding="utf-8") as f:
        page = f.read()
    match = re.search(r'<script type="application/json" id="report-data">\n(.*?)\n</script>',
                      page, re.S)
    if not match:
        raise ValueError("no report data in the page")
    return json.loads(match.group(1))


# What the page shows, counted in the DOM.
COUNT_JS = """(() => {
  const inputs = [...document.querySelectorAll('section.input')];
  return {
    rendered: document.documentElement.dataset.rendered || null,
    errors: window.reportErrors || [],
    nodes: document.querySelectorAll('svg.graph .graph-node').length,
    sops: document.querySelectorAll('svg.graph .graph-node[data-kind="sop"]').length,
    layoutRows: document.querySelectorAll('table.lifetimes tbody tr').length,
    inputs: inputs.map((s) => ({
      residual: s.querySelectorAll('figure.heatmap.residual-stage canvas').length,
      patterns: s.querySelectorAll('figure.attention-pattern canvas').length,
      mlps: s.querySelectorAll('figure.mlp-activations canvas').length,
      outputs: s.querySelectorAll('table.output-table').length,
      values: s.querySelectorAll('table.values-table tbody tr').length,
      bad: s.querySelectorAll('table.output-table td.bad').length,
    })),
  };
})()"""

INTERACT_JS = """(() => {
  const node = document.querySelector('svg.graph .graph-node[data-kind="sop"]:last-of-type')
    || document.querySelector('svg.graph .graph-node');
  node.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  const details = document.querySelector('.graph-side .details h3');
  const facts = document.querySelectorAll('.graph-side .details dd').length;
  const input = document.querySelector('section.input');
  let groups = 0;
  if (input) {
    const buttons = [...input.querySelectorAll('.controls button')];
    buttons.find((b) => b.textContent === 'collapse all').click();
    groups = input.querySelectorAll('.residual .row.group').length;
    const dirsCollapsed = input.querySelectorAll('.residual .row.dir').length;
    buttons.find((b) => b.textContent === 'expand all').click();
    const radios = input.querySelectorAll('.controls input[type=radio]');
    radios[1].click();
    radios[0].click();
    if (dirsCollapsed !== 0) return {error: 'collapse all left directions'};
  }
  return {details: details && facts ? details.textContent : null, groups};
})()"""


def check(browser, path, shots):
    data = report_data(path)
    name = os.path.splitext(os.path.basename(path))[0]
    browser.open_page(1280, 800)
    browser.send("Page.navigate", {"url": "file://" + os.path.abspath(path)})
    browser.wait_for("Page.loadEventFired")
    counts = browser.evaluate(COUNT_JS)
    failures = list(browser.problems())
    failures += [f"page error: {e}" for e in counts["errors"]]
    if counts["rendered"] != "yes":
        failures.append("the page did not finish rendering")

    stages = len(data["stages"])
    heads = sum(1 for b in data["blocks"] if b["kind"] == "head")
    mlps = [b for b in data["blocks"] if b["kind"] == "mlp"]
    sops = sum(1 for n in data["nodes"] if n["kind"] == "sop")

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: {got} on the page, {want} expected")

    expect("graph nodes", counts["nodes"], len(data["nodes"]))
    expect("SOp nodes", counts["sops"], sops)
    expect("layout rows", counts["layoutRows"], len(data["layout"]))
    expect("input sections", len(counts["inputs"]), len(data["inputs"]))
    for i, (shown, given) in enumerate(zip(counts["inputs"], data["inputs"])):
        expect(f"input {i + 1} residual heatmaps", shown["residual"], stages)
        expect(f"input {i + 1} attention patterns", shown["patterns"], heads)
        expect(f"input {i + 1} MLP activations",
               shown["mlps"], sum(1 for m in mlps if m["hidden"] > 0))
        expect(f"input {i + 1} output tables", shown["outputs"], 1)
        expect(f"input {i + 1} SOp value rows", shown["values"], sops)
        expect(f"input {i + 1} disagreements in red", shown["bad"],
               given["verdicts"].count("bad"))

    if shots:
        shot = browser.send("Page.captureScreenshot", {"format": "png"})
        with open(os.path.join(shots, name + ".png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        metrics = browser.send("Page.getLayoutMetrics")
        size = metrics["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": min(size["width"], 1280),
                "height": min(size["height"], 8000), "scale": 1}
        shot = browser.send("Page.captureScreenshot",
                            {"format": "png", "clip": clip,
                             "captureBeyondViewport": True})
        with open(os.path.join(shots, name + "-full.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    interaction = browser.evaluate(INTERACT_JS)
    if interaction.get("error"):
        failures.append(interaction["error"])
    if not interaction.get("details"):
        failures.append("clicking a graph node showed no details")
    failures += browser.problems()

    pdf = browser.send("Page.printToPDF", {"printBackground": True})
    if not pdf.get("data"):
        failures.append("printing produced no PDF")
    elif shots:
        with open(os.path.join(shots, name + ".pdf"), "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
    failures += browser.problems()
    browser.close_page()
    return failures, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--screenshots", help="directory for PNG and PDF files")
    args = parser.parse_args()
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    browser = Chromium(args.chromium)
    failed = False
    try:
        for path in args.reports:
            failures, counts = check(browser, path, args.screenshots)
            inputs = counts["inputs"]
            summary = (f"{len(inputs)} inputs, {counts['nodes']} nodes, "
                       f"{sum(i['residual'] for i in inputs)} residual heatmaps, "
                       f"{sum(i['patterns'] for i in inputs)} patterns, "
                       f"{sum(i['mlps'] for i in inputs)} MLP maps")
            if failures:
                failed = True
                print(f"FAIL {os.path.basename(path)}: {summary}")
                for failure in failures:
                    print(f"  {failure}")
            else:
                print(f"ok {os.path.basename(path)}: {summary}")
    finally:
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
