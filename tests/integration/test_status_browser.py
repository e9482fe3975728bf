"""Issue 15, points 9-10: the status page in a real browser (headless Chromium), healthy, failing
and stale. The page is written by the real binary; Chromium runs its script against the real
clock; the test reads the DOM after script and the pixels of the screenshot, which it keeps under
the build directory (status-healthy.png, status-failing.png, status-stale.png)."""
import collections
import os
import re
import shutil
import struct
import subprocess
import zlib

from fakes import FakeCgvApi, FakeNtfy, Reply, showing, ymd
from harness import expect
from test_cgv import AVATAR, config
from test_reliability import faked

GREEN = (0x2E, 0x9E, 0x44)  # .ok
ORANGE = (0xE8, 0x59, 0x0C)  # .failing
GREY = (0x9E, 0x9E, 0x9E)  # every bar of a stale page


def chromium(case, page, *flags):
    exe = shutil.which("chromium")
    expect(exe is not None, "chromium installed (scripts/test installs it)")
    profile = case.path("chromium-profile")
    p = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={profile}", *flags, "file://" + page],
                       capture_output=True, timeout=90, env={**os.environ, "HOME": case.tmp})
    return p.stdout.decode("utf-8", "replace")


def dom_text(case, page):
    """The page's body text after its script ran, tags dropped, spaces folded."""
    dom = chromium(case, page, "--dump-dom", "--virtual-time-budget=2000")
    expect("<body" in dom, f"chromium dumped the DOM: {dom[:300]!r}")
    tag, body = dom.split("<body", 1)[1].split(">", 1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.split("<script", 1)[0]))
    return tag, text


def png_pixels(path):
    """RGB(A) rows of an 8-bit PNG as Chromium writes it, decoded with the standard library."""
    data = open(path, "rb").read()
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            expect(depth == 8 and colour in (2, 6), f"8-bit RGB or RGBA: {depth}, {colour}")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return collections.Counter(tuple(row[x:x + 3]) for row in rows for x in range(0, stride, channels))


def bars(pixels, *colours):
    """Whether a bar of each colour shows: thousands of pixels of exactly that colour (a bar is
    about 740 x 8 at this size; anti-aliased text never makes that many)."""
    return all(pixels[c] >= 2000 for c in colours)


def screenshot(case, page, name):
    out = os.path.join(os.path.dirname(os.path.abspath(case.alimi)), name)
    if os.path.exists(out):
        os.remove(out)
    chromium(case, page, f"--screenshot={out}", "--window-size=800,1000", "--hide-scrollbars",
             "--virtual-time-budget=2000")
    expect(os.path.exists(out), f"screenshot saved at {out}")
    return png_pixels(out)


def setup(case):
    page = case.path("status.html")
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000", 624, 624))
    target = 'name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"'
    cfg = case.write("c.toml", config(api, ntfy, target) + f'\n[status]\nhtml = "{page}"\ninterval = 60\n')
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    return page, api, ntfy, cfg


def test_status_page_in_chromium_healthy_failing_and_stale(case):
    page, api, ntfy, cfg = setup(case)
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1100", 624, 624))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "an opening found and pushed", r)

    # Healthy: fresh by the viewer's clock, a green bar, what it watches with the learnt names.
    body, text = dom_text(case, page)
    expect("fresh: last written less than a minute ago" in text and "page-stale" not in body, f"fresh: {text}")
    expect("CGV 용산아이파크몰 · IMAX · 모든 영화" in text, f"what it watches, by name: {text}")
    expect("openings found in 7 days : 1" in text and "failures in a row : 0" in text, f"facts: {text}")
    expect("cool-down : 없음 none" in text and "정상 ok" in text, f"no cool-down, ok: {text}")
    expect('<meta http-equiv="refresh" content="60">' in open(page, encoding="utf-8").read(), "reloads itself")
    pixels = screenshot(case, page, "status-healthy.png")
    expect(bars(pixels, GREEN) and not bars(pixels, GREY), "a green bar, nothing greyed")

    # Failing: a 429 with Retry-After: the bar turns, the cause and the cool-down are shown.
    api.script("/api/v1/booking/searchMovScnInfo",  # the day pages: every run asks them
               Reply(429, "error code: 1015", headers={"Retry-After": "600"}, content_type="text/plain"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1, "the check failed", r)
    body, text = dom_text(case, page)
    expect("실패 중 failing" in text and "failures in a row : 1" in text, f"failing: {text}")
    expect(re.search(r"cool-down : \d{4}-\d\d-\d\d \d\d:\d\d KST 까지 until then", text), f"cool-down: {text}")
    expect("rate limited" in text and "fresh: last written" in text, f"the cause; the page itself is fresh: {text}")
    pixels = screenshot(case, page, "status-failing.png")
    expect(bars(pixels, ORANGE) and not bars(pixels, GREEN) and not bars(pixels, GREY), "an orange bar")

    # Stale: the same state written 20 minutes ago (libfaketime), viewed now.
    r = case.run("status", "--html", page, config=cfg, env=faked(-1200))
    expect(r.rc == 1 and os.path.exists(page), "page written in the past", r)
    html = open(page, encoding="utf-8").read()
    expect(re.search(r"작성 <span[^>]*>written</span>: \d{4}-\d\d-\d\d \d\d:\d\d KST", html),
           "without script it still says when it was written")
    body, text = dom_text(case, page)
    expect("stale: last written 20 min ago" in text and "page-stale" in body, f"stale by the viewer's clock: {text}")
    pixels = screenshot(case, page, "status-stale.png")
    expect(bars(pixels, GREY) and not bars(pixels, GREEN) and not bars(pixels, ORANGE), "every bar grey")
