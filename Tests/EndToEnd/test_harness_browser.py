# The browser harness alone, before any portal is involved: headless Chromium opens a local page,
# screenshots land in var/artifacts/portal/ at both widths, axe finds a planted violation and none
# on a clean page, the counting server counts, a sandboxed frame's script and images are seen by the
# counting server only when the sandbox is off (so the portal tests' "zero requests" can fail), and
# no host name resolves (loopback literals only).
import os

import pytest

from harness import browser as hb
from harness.httpcount import CountingHTTPServer

pytestmark = pytest.mark.skipif(hb.available() is not None, reason=str(hb.available()))

CLEAN = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Local page</title></head>
<body><main><h1 id="hello">Hello from loopback</h1><img src="/pixel.gif" alt="a pixel"></main></body></html>"""
BAD = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad page</title></head>
<body><main><h1>Bad</h1><img src="/bad.gif"><form><input type="text" name="q"></form></main></body></html>"""


def frame_page(sandboxed: bool) -> bytes:
    attr = ' sandbox=""' if sandboxed else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Outer</title></head><body><main>'
            f'<h1>Outer</h1><iframe id="f" title="frame" src="/inner.html"{attr}></iframe></main></body></html>').encode()


INNER = b"""<!DOCTYPE html><html><head><title>Inner</title>
<script>document.title = "SCRIPT RAN"; new Image().src = "/script-ran.gif"; top.document.title = "TOP CHANGED";</script>
</head><body><p id="inner-text">Inner text</p><img src="/remote.gif" alt=""><img src="/missing" alt="" onerror="new Image().src='/onerror-ran.gif'"></body></html>"""


@pytest.fixture
def browser(tmp_path):
    b = hb.Browser(str(tmp_path / "browser"), tag="harness")
    yield b
    b.quit()


def test_browser_opens_a_local_page_and_the_server_counts(browser):
    with CountingHTTPServer({"/": ("text/html; charset=utf-8", CLEAN)}) as s:
        browser.get(s.url("/"))
        assert browser.title == "Local page"
        assert browser.text("#hello") == "Hello from loopback"
        browser.wait_for("img")
        from harness import procs
        procs.wait_until(lambda: s.count("/pixel.gif") == 1, 10, "the image request")
        assert s.count("/") >= 2 and s.paths()[0] == "/", s.paths()
        shots = browser.screenshot("local-page")
    assert [os.path.basename(p) for p in shots] == ["harness-local-page-desktop.png", "harness-local-page-phone.png"]
    for p in shots:
        with open(p, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", p


def test_axe_reports_serious_violations_and_passes_a_clean_page(browser):
    with CountingHTTPServer({"/clean": ("text/html", CLEAN), "/bad": ("text/html", BAD)}) as s:
        browser.get(s.url("/clean"))
        assert browser.axe_serious() == []
        browser.get(s.url("/bad"))
        found = {v["id"] for v in browser.axe_serious()}
    assert {"image-alt", "label"} <= found, found


def test_a_sandboxed_frame_runs_no_script_and_the_counting_server_would_see_it(browser):
    from harness import procs
    with CountingHTTPServer({"/open": ("text/html", frame_page(False)), "/boxed": ("text/html", frame_page(True)),
                             "/inner.html": ("text/html", INNER)}) as s:
        # Without the sandbox the planted script runs: the server sees its request.
        browser.get(s.url("/open"))
        procs.wait_until(lambda: s.count("/script-ran.gif") and s.count("/onerror-ran.gif"), 10,
                         f"the unsandboxed frame's script requests (seen: {s.paths()})")
        assert browser.title == "TOP CHANGED"
        before = len(s.paths())
        browser.get(s.url("/boxed"))
        browser.driver.switch_to.frame(browser.find("iframe#f"))
        assert browser.wait_for("#inner-text").text == "Inner text"
        browser.driver.switch_to.default_content()
        # Same-origin images still load in a sandbox (only CSP stops those, as the portal's does);
        # the script and the onerror handler must not have run.
        procs.wait_until(lambda: s.count("/remote.gif") >= 2, 10, "the boxed frame's plain image")
        after = s.paths()[before:]
        assert "/script-ran.gif" not in after and "/onerror-ran.gif" not in after, after
        assert browser.title == "Outer"


def test_no_host_name_resolves(browser):
    from selenium.common.exceptions import WebDriverException
    with pytest.raises(WebDriverException, match="ERR_NAME_NOT_RESOLVED"):
        browser.get("http://example.com/")
