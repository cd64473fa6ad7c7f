# A real browser for the portal tests: Debian's headless Chromium driven by Selenium through
# /usr/bin/chromedriver (so Selenium Manager never downloads anything), loopback only, accepting
# the portal's self-signed certificate; screenshots at desktop and phone widths into
# var/artifacts/portal/, and axe-core (axe-selenium-python) for the accessibility checks.
import os
import re
import shutil
import tempfile
import time

from . import procs
from .sealgate import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = os.path.join(REPO, "var", "artifacts", "portal")
DESKTOP = (1280, 900)
PHONE = (390, 844)
SERIOUS = ("serious", "critical")
# axe-selenium-python 2.1.6 (the newest on PyPI) ships axe-core 3.1.1, whose autocomplete-valid rule
# is older than two things later axe-core releases accept: the token `one-time-code` (WHATWG HTML's
# autofill field names) and `username` on an <input type=email> (a sign-in by email address).
# Exactly these (input type, autocomplete value) pairs are excused; any other finding stands.
KNOWN_FALSE_POSITIVES = {"autocomplete-valid": {("text", "one-time-code"), ("email", "username")}}

# Flags that keep Chromium off every network but loopback: no proxy, every host name resolves to
# nothing (the tests use 127.0.0.x literals only), no component updates, no background fetches,
# no sync, no safe-browsing or metrics pings, no first-run or default apps.
ISOLATION_FLAGS = [
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.*",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--safebrowsing-disable-auto-update",
    "--password-store=basic",
    "--use-mock-keychain",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,PrivacySandboxSettings4",
]


def available() -> str | None:
    """None when the browser tests can run here, else why not (for pytest.skip)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is missing (scripts/setup --test installs chromium and chromium-driver)"
    try:
        import selenium  # noqa: F401
        import axe_selenium_python  # noqa: F401
    except ImportError as e:
        return f"{e.name} is missing (scripts/setup --test installs Tests/EndToEnd/requirements.txt)"
    return None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"


class Browser:
    """One headless Chromium with its own profile and download directory (both temporary)."""

    def __init__(self, workdir: str | None = None, tag: str = "portal"):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.dir = workdir or tempfile.mkdtemp(prefix="sealgate-browser-")
        self.tag = _safe(tag)
        self.downloads = os.path.join(self.dir, "downloads")
        self.profile = os.path.join(self.dir, "profile")
        os.makedirs(self.downloads, exist_ok=True)
        os.makedirs(self.profile, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--user-data-dir={self.profile}", f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
                     *ISOLATION_FLAGS]:
            opts.add_argument(flag)
        opts.accept_insecure_certs = True  # the portal's certificate is self-signed
        opts.add_experimental_option("prefs", {
            "download.default_directory": self.downloads, "download.prompt_for_download": False,
            "download.directory_upgrade": True, "safebrowsing.enabled": False,
        })
        self.log_path = os.path.join(self.dir, "chromedriver.log")
        service = Service(CHROMEDRIVER, log_output=self.log_path)
        self.driver = webdriver.Chrome(service=service, options=opts)
        self.driver.set_page_load_timeout(30)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": self.downloads})
        self.shots = []

    # --- lifecycle -----------------------------------------------------------------------------

    def quit(self):
        try:
            self.driver.quit()
        except Exception as e:
            print(f"quitting chromedriver failed: {e}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()

    # --- pages ---------------------------------------------------------------------------------

    def get(self, url: str):
        self.driver.get(url)
        return self

    @property
    def url(self) -> str:
        return self.driver.current_url

    @property
    def title(self) -> str:
        return self.driver.title

    def source(self) -> str:
        return self.driver.page_source

    def find(self, css: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list:
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def has(self, css: str) -> bool:
        return bool(self.find_all(css))

    def text(self, css: str) -> str:
        return self.find(css).text

    def wait_for(self, css: str, timeout: float = 20):
        """The first element matching `css` once the current page has one."""
        return procs.wait_until(lambda: (self.find_all(css) or [None])[0], timeout,
                                f"{css} on {self.url}")

    def submit(self, button_css: str, wait_css: str, timeout: float = 30):
        """Clicks a submit button and waits until the next page has `wait_css` (the old page's
        element going stale, so a page that still shows it is not mistaken for the new one)."""
        button = self.find(button_css)
        html = self.find("html")
        button.click()

        def arrived():
            try:
                html.tag_name  # raises once the old document is gone
                return None
            except Exception:
                return (self.find_all(wait_css) or [None])[0]
        return procs.wait_until(arrived, timeout, f"{wait_css} after clicking {button_css} (at {self.url})", 0.1)

    def problem_status(self) -> str | None:
        """The data-status of a problem page (main#problem), or None on another page."""
        found = self.find_all("main#problem")
        return found[0].get_attribute("data-status") if found else None

    # --- artefacts -----------------------------------------------------------------------------

    def screenshot(self, name: str) -> list:
        """Saves the current page at desktop (1280x900) and phone (390 px) widths as
        var/artifacts/portal/TAG-NAME-{desktop,phone}.png; returns the paths. The whole page
        height is captured; the window is back at the desktop size afterwards."""
        os.makedirs(ARTIFACTS, exist_ok=True)
        paths = []
        try:
            for label, (w, h) in (("desktop", DESKTOP), ("phone", PHONE)):
                self.driver.set_window_size(w, h)
                full = self.driver.execute_script(
                    "return Math.max(document.body ? document.body.scrollHeight : 0,"
                    " document.documentElement.scrollHeight)") or h
                self.driver.set_window_size(w, max(h, min(int(full) + 120, 6000)))
                path = os.path.join(ARTIFACTS, f"{self.tag}-{_safe(name)}-{label}.png")
                assert self.driver.save_screenshot(path), f"no screenshot saved at {path}"
                paths.append(path)
        finally:
            self.driver.set_window_size(*DESKTOP)
        self.shots += paths
        return paths

    def page_width_fits(self, width: int = PHONE[0]) -> bool:
        """At `width`, does the page need no horizontal scrolling?"""
        try:
            self.driver.set_window_size(width, PHONE[1])
            return self.driver.execute_script(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        finally:
            self.driver.set_window_size(*DESKTOP)

    def axe_serious(self) -> list:
        """axe-core's violations of impact serious or critical on the current page (each a dict
        with id, impact, help and the failing nodes' targets). Frames are left out: the only
        frame the portal has is the sender's HTML, sandboxed, where no script (axe's neither) runs."""
        from axe_selenium_python import Axe
        Axe(self.driver).inject()
        self.driver.set_script_timeout(60)
        results = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {iframes: false}).then(function (r) { done(r); },"
            " function (e) { done({error: String(e)}); });")
        assert "error" not in results, f"axe.run failed: {results['error']}"
        out = []
        for v in results.get("violations", []):
            if v.get("impact") not in SERIOUS:
                continue
            nodes = [n.get("target") for n in v.get("nodes", [])]
            excused = KNOWN_FALSE_POSITIVES.get(v["id"])
            if excused:
                nodes = [t for t in nodes if tuple(self.driver.execute_script(
                    "var e = document.querySelector(arguments[0]);"
                    " return e ? [e.getAttribute('type') || 'text', e.getAttribute('autocomplete')] : [];",
                    t[0])) not in excused]
                if not nodes:
                    continue
            out.append({"id": v["id"], "impact": v.get("impact"), "help": v.get("help"), "nodes": nodes})
        return out

    def check_page(self, name: str) -> list:
        """Screenshots at both widths and the axe check: returns the serious/critical
        violations (empty when the page passes), tagged with the page's name."""
        self.screenshot(name)
        return [dict(v, page=name) for v in self.axe_serious()]

    # --- downloads -----------------------------------------------------------------------------

    def wait_download(self, filename: str, timeout: float = 30) -> bytes:
        """The bytes of downloads/FILENAME once Chromium has finished writing it."""
        path = os.path.join(self.downloads, filename)

        def done():
            partial = [n for n in os.listdir(self.downloads) if n.endswith(".crdownload")]
            return os.path.exists(path) and not partial
        procs.wait_until(done, timeout, f"the download {filename} in {self.downloads} "
                                        f"(there: {os.listdir(self.downloads)})", 0.1)
        with open(path, "rb") as f:
            return f.read()

    def cookies(self) -> list:
        return self.driver.get_cookies()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)
