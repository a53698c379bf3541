#!/usr/bin/env python3
"""Loads an HTML report in real headless Chromium and checks what a reader sees.

Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
NUL-terminated JSON on fds 3 and 4), so it needs nothing beyond the Debian
`chromium` package and the Python standard library.

Fails (exit 1, reasons on stderr) when the page logs a console error, throws,
asks the network for anything, has an image that did not decode, or when the
screenshot of the first chart is blank (too few colours or no ink).
Prints a JSON summary on stdout.

usage: browser_check.py REPORT.html --screenshot OUT.png [--chart-shot CHART.png]
                        [--min-images N] [--expect-text TEXT]...
"""
import argparse
import base64
import fcntl
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib


class DevTools:
    def __init__(self, chromium, user_data_dir):
        # Chromium reads commands on fd 3 and writes on fd 4. Keep our ends above
        # 10 so the dup2 below never lands on one of them.
        def high(fd):
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return moved

        to_child_r, self.to_child_w = map(high, os.pipe())
        self.from_child_r, from_child_w = map(high, os.pipe())

        def wire():  # runs in the child before exec; 3 and 4 stay open (inheritable)
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-extensions", "--disable-sync",
                "--remote-debugging-pipe", f"--user-data-dir={user_data_dir}",
                "--window-size=1400,1000", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=wire, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.from_child_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe (did it start?)")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        deadline = time.monotonic() + timeout
        for e in self.events:
            if e.get("method") == method:
                return e
        while True:
            m = self._read_message(deadline)
            self.events.append(m)
            if m.get("method") == method:
                return m


def png_pixels(data):
    """Decodes an 8-bit RGB/RGBA non-interlaced PNG: (width, height, channels, rows)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG (depth {depth}, color type {color}, interlace {interlace})")
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def ink_report(png):
    """Distinct colours, share of non-white pixels, and whether blue/green/red ink is present."""
    w, h, ch, rows = png_pixels(png)
    colours, ink, hues = set(), 0, {"blue": 0, "green": 0, "red": 0}
    for row in rows[::2]:
        for x in range(0, w * ch, ch * 2):
            r, g, b = row[x], row[x + 1], row[x + 2]
            colours.add((r >> 3, g >> 3, b >> 3))
            if r < 235 or g < 235 or b < 235:
                ink += 1
            if b > r + 40 and b > g + 20:
                hues["blue"] += 1
            if g > r + 30 and g > b + 10:
                hues["green"] += 1
            if r > g + 60 and r > b + 60:
                hues["red"] += 1
    sampled = len(rows[::2]) * len(range(0, w * ch, ch * 2))
    return {"width": w, "height": h, "distinct_colours": len(colours),
            "ink_share": round(ink / max(1, sampled), 4), "hue_pixels": hues}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--chart-shot")
    ap.add_argument("--min-images", type=int, default=1)
    ap.add_argument("--expect-text", action="append", default=[])
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()

    problems = []
    profile = tempfile.mkdtemp(prefix="vscsi-chromium-")
    dt = DevTools(a.chromium, profile)
    try:
        targets = dt.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        session = dt.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            dt.send(f"{domain}.enable", session=session)
        dt.send("Emulation.setDeviceMetricsOverride",
                {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = "file://" + os.path.abspath(a.report)
        nav = dt.send("Page.navigate", {"url": url}, session=session)
        if nav.get("errorText"):
            problems.append(f"navigation failed: {nav['errorText']}")
        dt.wait_event("Page.loadEventFired", timeout=120)
        state = dt.send("Runtime.evaluate", {"returnByValue": True, "expression": """JSON.stringify({
            images: Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt]),
            text: document.body.innerText,
            title: document.title,
            chart: (() => { const f = document.querySelector('figure img'); if (!f) return null;
                            const r = f.getBoundingClientRect();
                            return {x: r.x + window.scrollX, y: r.y + window.scrollY, w: r.width, h: r.height}; })()
        })"""}, session=session)
        info = json.loads(state["result"]["value"])
        full = dt.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}, session=session)
        with open(a.screenshot, "wb") as f:
            f.write(base64.b64decode(full["data"]))
        chart_ink = None
        if info["chart"]:
            c = info["chart"]
            shot = dt.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                      "clip": {"x": c["x"], "y": c["y"], "width": c["w"],
                                                               "height": c["h"], "scale": 1}}, session=session)
            png = base64.b64decode(shot["data"])
            if a.chart_shot:
                with open(a.chart_shot, "wb") as f:
                    f.write(png)
            chart_ink = ink_report(png)
        # Let late console messages arrive.
        dt.send("Runtime.evaluate", {"expression": "1"}, session=session)
    finally:
        dt.close()
        shutil.rmtree(profile, ignore_errors=True)

    console_errors, requests = [], []
    for e in dt.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            console_errors.append(" ".join(str(x.get("value", x.get("description", ""))) for x in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            console_errors.append(p.get("exceptionDetails", {}).get("text", "exception"))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            console_errors.append(p["entry"].get("text", ""))
        elif m == "Network.requestWillBeSent":
            u = p.get("request", {}).get("url", "")
            if not (u.startswith("data:") or u == url):
                requests.append(u)
    problems += [f"console error: {t}" for t in console_errors]
    problems += [f"network request: {u}" for u in requests]
    broken = [i for i in info["images"] if not i[0] or i[1] == 0]
    if broken:
        problems.append(f"{len(broken)} image(s) did not decode: {[i[3] for i in broken][:5]}")
    if len(info["images"]) < a.min_images:
        problems.append(f"{len(info['images'])} images, expected at least {a.min_images}")
    for t in a.expect_text:
        if t not in info["text"]:
            problems.append(f"page text lacks {t!r}")
    if a.min_images > 0:
        if chart_ink is None:
            problems.append("no chart to screenshot")
        elif chart_ink["distinct_colours"] < 20 or chart_ink["ink_share"] < 0.02:
            problems.append(f"chart screenshot looks blank: {chart_ink}")
    full_ink = ink_report(open(a.screenshot, "rb").read())
    if full_ink["distinct_colours"] < 10:
        problems.append(f"page screenshot looks blank: {full_ink}")
    print(json.dumps({"title": info["title"], "images": len(info["images"]), "console_errors": console_errors,
                      "requests": requests, "chart": chart_ink, "page": full_ink}))
    for p in problems:
        print(f"browser_check: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
