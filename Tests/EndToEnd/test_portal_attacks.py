# Attacks on the portal, against the real daemon: hostile HTML (a script, an onerror handler, a remote
# image and stylesheet served by a counting server) runs nothing and loads nothing; another
# recipient's session, a tampered link and an unknown id all get the same 404; a form without its
# CSRF token is 403; expired and revoked links are 410; every page carries the security headers and
# the session cookie its flags; guessing codes reaches a lockout that the audit records (and that
# `sealgate portal unlock` lifts, where that CLI exists).
import dataclasses
import os
import re
import time

import pytest

from harness import browser as hb
from harness import net, procs
from harness.httpcount import CountingHTTPServer
from harness.ladder import deciding, wait_decided
from harness.portal import (ID, Mailbox, PortalWorld, audit_events, clinic_sender, main_of, parsed, phi_mail, portal_records,
                            problem_status, send, start_world, text_of, wait_portal_event)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(hb.available() is not None, reason=str(hb.available()))]

ALICE, BOB, CAROL, ED, GIL = (f"{n}@patients.test" for n in ("alice", "bob", "carol", "ed", "gil"))
DORA = "dora@brief.test"
EXPIRY = 60  # seconds (policy's minimum, 1m): brief.test's messages expire this long after they are stored;
# the test that waits for it runs late in this file, so the others take up most of that minute
POLICY = f"""
    # Written by test_portal_attacks: PHI to brief.test is kept {EXPIRY} s and its notice names the subject;
    # patients.test's senders get a copy of the notice with a revoke link, and a read receipt.
    rules:
      - name: portal-brief
        when: {{recipient_domain: brief.test, phi: true}}
        deliver:
          tls: verify
          min_tls: "1.2"
          methods: [smime, pgp, tls, portal]
          otherwise: portal
          portal: {{expiry: {EXPIRY}s, notice_subject: true}}
      - name: portal-patients-sender-copy
        when: {{recipient_domain: patients.test, phi: true}}
        deliver:
          tls: verify
          min_tls: "1.2"
          methods: [smime, pgp, tls, portal]
          otherwise: portal
          portal: {{sender_copy: true, read_receipt: true}}
    """
REPLY_MAX = 64000  # portal.reply.max_size here, in bytes
PAGE_CSP = ("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'")
REVOKE = re.compile(r"https://[^/\s]+/revoke/(" + ID + r")/([a-z2-7]{52})")


def hostile_html(counter: CountingHTTPServer) -> str:
    c = counter.base
    return f"""<!DOCTYPE html><html><head><title>Original title</title>
<script>document.title = "SCRIPT RAN"; new Image().src = "{c}/script-head.gif";</script>
<link rel="stylesheet" href="{c}/remote.css">
</head><body>
<p id="html-marker">Hostile HTML arrived intact</p>
<img src="{c}/remote-image.gif" alt="tracking pixel">
<img src="{c}/missing/broken.gif" alt="" onerror="new Image().src='{c}/onerror-ran.gif'; document.body.insertAdjacentHTML('beforeend', '<p id=ran>onerror ran</p>')">
<script>document.body.insertAdjacentHTML("beforeend", "<p id=ran>script ran</p>"); top.location = "{c}/navigated";</script>
<iframe src="{c}/framed.html"></iframe>
<form action="{c}/form-post" method="post"><input name="x" value="1"><button id="go">go</button></form>
</body></html>"""


@dataclasses.dataclass
class World:
    pw: PortalWorld
    counter: CountingHTTPServer
    sender: str
    qids: dict      # recipient -> queue id
    sent: dict      # recipient -> Sent
    links: dict     # recipient -> (link, message id, token)
    base: str

    def box(self, rcpt):
        return Mailbox(self.pw.mx(rcpt), rcpt)


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("portal-attacks"))
    counter = CountingHTTPServer().start()
    pw = None
    try:
        pw = start_world(certs, base, ["patients.test", "brief.test"], policies={"05-portal.yaml": POLICY},
                         portal={"reply": {"max_size": f"{REPLY_MAX // 1000}KB", "max_attachments": 2}})
        sender = clinic_sender("attacks")
        qids, sent, links = {}, {}, {}
        for rcpt in (ALICE, BOB, CAROL, DORA, ED, GIL):
            s = phi_mail(sender, [rcpt], html=hostile_html(counter) if rcpt == ALICE else None)
            qids[rcpt], sent[rcpt] = send(pw, sender, [rcpt], s), s
        for rcpt, qid in qids.items():
            rec = deciding(wait_decided(pw.gw, qid, [rcpt]), rcpt)
            assert rec["event"] == "delivered" and rec["method"]["method"] == "portal", rec
            links[rcpt] = Mailbox(pw.mx(rcpt), rcpt).wait_notice(pw.base_url)
        yield World(pw, counter, sender, qids, sent, links, base)
    finally:
        if pw is not None:
            pw.stop()
        counter.stop()


@pytest.fixture(scope="module")
def browser(world):
    b = hb.Browser(os.path.join(world.base, "browser"), tag="attacks")
    yield b
    b.quit()


def assert_accessible(b, page: str):
    """Screenshots of the current page at both widths, and no serious or critical axe violation."""
    found = b.check_page(page)
    assert not found, f"axe: serious/critical violations on {page}: {found}"


def browser_pick_up(b, w: World, rcpt: str):
    link = w.links[rcpt][0]
    box = w.box(rcpt)
    b.get(link)
    b.wait_for("button#send-code")
    mark = box.mark()
    b.submit("button#send-code", "input#code")
    b.find("input#code").send_keys(box.wait_code(mark))
    b.submit("button#verify", "main#message")


def code_records(w: World, rcpt: str) -> int:
    return len([r for r in portal_records(w.pw.gw, w.qids[rcpt]) if r["event"] == "portal_code_sent"])


def random_id() -> str:
    import base64
    return base64.b32encode(os.urandom(16)).decode().lower().rstrip("=")


def random_token() -> str:
    import base64
    return base64.b32encode(os.urandom(32)).decode().lower().rstrip("=")


# --- hostile HTML -------------------------------------------------------------------------------

def test_html_body_runs_no_script_and_loads_nothing_remote(world, browser):
    browser_pick_up(browser, world, ALICE)
    top_title, top_url = browser.title, browser.url
    frame = browser.find("iframe#message-html")
    assert frame.get_attribute("sandbox") == "", frame.get_attribute("outerHTML")
    browser.driver.switch_to.frame(frame)
    assert browser.wait_for("#html-marker").text == "Hostile HTML arrived intact"
    ran = [e.text for e in browser.find_all("#ran")]
    browser.driver.switch_to.default_content()
    assert ran == [], f"a script in the sender's HTML ran: {ran}"
    assert browser.title == top_title and "SCRIPT RAN" not in browser.title, browser.title
    assert browser.url == top_url, f"the sender's HTML navigated the page to {browser.url}"
    assert_accessible(browser, "hostile-html-message")
    # A canary in another tab: once its image is counted, anything the frame had asked for would be too.
    world.counter.pages["/canary.html"] = ("text/html", b'<!DOCTYPE html><title>canary</title><img src="/canary.gif" alt="">')
    browser.driver.switch_to.new_window("tab")
    try:
        browser.get(world.counter.url("/canary.html"))
        procs.wait_until(lambda: world.counter.count("/canary.gif"), 15, "the canary image")
    finally:
        browser.driver.close()
        browser.driver.switch_to.window(browser.driver.window_handles[0])
    others = [p for p in world.counter.paths() if not p.startswith(("/canary", "/favicon"))]
    assert others == [], f"the sender's HTML reached the network: {others}"


# --- headers and cookies ------------------------------------------------------------------------

def check_page_headers(h, what: str):
    csp = h.get("Content-Security-Policy", "")
    for d in PAGE_CSP:
        assert d in csp, f"{what}: CSP lacks {d}: {csp!r}"
    assert "unsafe-inline" not in csp and "script-src" not in csp, f"{what}: CSP allows script: {csp!r}"
    m = re.fullmatch(r"max-age=(\d+)(; includeSubDomains)?(; preload)?", h.get("Strict-Transport-Security", ""))
    assert m and int(m.group(1)) >= 31536000, f"{what}: HSTS {h.get('Strict-Transport-Security')!r}"
    assert h.get("Referrer-Policy") == "no-referrer", f"{what}: {h.get('Referrer-Policy')!r}"
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("X-Frame-Options") == "DENY", what
    assert h.get("Cache-Control") == "no-store", f"{what}: Cache-Control {h.get('Cache-Control')!r}"


def check_cookie(set_cookie: str):
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {p.split("=", 1)[0].lower(): (p.split("=", 1) + [""])[1] for p in parts[1:]}
    assert name == "__Host-sealgate" and re.fullmatch(r"[a-z2-7A-Z]{26,}", value), set_cookie
    assert "secure" in attrs and "httponly" in attrs and attrs.get("samesite", "").lower() == "strict", set_cookie
    assert attrs.get("path") == "/" and "domain" not in attrs, set_cookie


def test_security_headers_and_cookie_flags(world, browser):
    c = world.pw.client()
    r = c.get(world.links[ALICE][0], allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith("/pickup"), (r.status_code, r.headers)
    check_cookie(r.headers["Set-Cookie"])
    check_page_headers(r.headers, "the link's redirect")
    r = c.get("/pickup")
    assert r.status_code == 200
    check_page_headers(r.headers, "/pickup")
    # A click in a webmail (cross-site): a page of our own continues, so the Strict cookie is sent.
    x = world.pw.client().get(world.links[ALICE][0], headers={"Sec-Fetch-Site": "cross-site"}, allow_redirects=False)
    assert x.status_code == 200 and 'id="continue-link"' in x.text and 'http-equiv="refresh"' in x.text, x.text[:800]
    check_cookie(x.headers["Set-Cookie"])
    path = c.pick_up(world.links[ALICE][0], world.box(ALICE))
    m = c.get(path)
    assert m.status_code == 200 and 'id="message"' in m.text
    check_page_headers(m.headers, "the message page")
    f = c.get(path + "/html")
    assert f.status_code == 200
    csp = f.headers.get("Content-Security-Policy", "")
    assert csp.split(";")[0].strip() == "sandbox" and "default-src 'none'" in csp and "frame-ancestors 'self'" in csp, csp
    assert "http" not in csp.split("img-src", 1)[-1].split(";")[0], f"the frame may load remote images: {csp}"
    assert f.headers.get("Cache-Control") == "no-store" and f.headers.get("X-Content-Type-Options") == "nosniff"
    for page in ("/login", "/static/portal.css"):
        check_page_headers(world.pw.client().get(page).headers, page)
    # The browser keeps the cookie as it was set.
    browser.get(world.links[ALICE][0])
    browser.wait_for("main")
    [cookie] = [k for k in browser.cookies() if k["name"] == "__Host-sealgate"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie


def test_the_sender_gets_one_read_receipt_however_many_sessions_open_it(world):
    """ALICE's message was opened by the browser and by requests (two sessions) in the tests above."""
    views = wait_portal_event(world.pw.gw, world.qids[ALICE], "portal_view", 2)
    [receipt_rec] = wait_portal_event(world.pw.gw, world.qids[ALICE], "portal_read_receipt")
    box = Mailbox(world.pw.clinic, world.sender)
    receipts = box.wait(lambda ms: [d for d in ms if str(parsed(d)["Subject"]) == "Your secure message was opened"] or None,
                        "the read receipt")
    assert len(receipts) == 1 and ALICE in (text_of(parsed(receipts[0])) or ""), [text_of(parsed(d)) for d in receipts]
    assert world.sent[ALICE].marker.encode() not in receipts[0] and world.sent[ALICE].subject.encode() not in receipts[0]
    assert len(views) == 2, views


# --- not entitled: 404, and the same page whether or not the message exists -------------------

def test_another_recipients_session_cannot_open_the_message(world):
    bob = world.pw.client()
    own = bob.pick_up(world.links[BOB][0], world.box(BOB))
    assert bob.get(own).status_code == 200
    alice_id = world.links[ALICE][1]
    theirs = bob.get(f"/message/{alice_id}")
    nobody = bob.get(f"/message/{random_id()}")
    assert theirs.status_code == 404 and problem_status(theirs.text) == "404", (theirs.status_code, theirs.text[:800])
    assert nobody.status_code == 404
    assert main_of(theirs.text) == main_of(nobody.text), "the 404 tells an existing message from an unknown one"
    assert world.sent[ALICE].marker not in theirs.text and ALICE not in theirs.text
    for suffix in ("/html", "/part/1", "/part/2"):
        r = bob.get(f"/message/{alice_id}{suffix}")
        assert r.status_code == 404 and main_of(r.text) == main_of(nobody.text), (suffix, r.status_code)
    token = bob.csrf(bob.get(own).text)
    r = bob.post(f"/message/{alice_id}/reply", csrf=False, files={"csrf": (None, token), "body": (None, "hello")})
    assert r.status_code == 404, (r.status_code, r.text[:500])
    assert not [x for x in portal_records(world.pw.gw, world.qids[ALICE]) if x["event"] == "portal_reply"]


def test_a_link_clicked_on_another_site_still_reaches_the_pickup(world, browser):
    """A webmail click is a cross-site navigation: the SameSite=Strict cookie is not sent on a redirect
    that began there, so the portal answers with a page of its own that refreshes to /pickup."""
    world.counter.pages["/webmail.html"] = ("text/html", (
        '<!DOCTYPE html><html lang="en"><title>webmail</title><main><a id="open" href="'
        + world.links[BOB][0] + '">Open the secure message</a></main></html>').encode())
    browser.get(world.counter.url("/webmail.html"))
    browser.find("a#open").click()
    browser.wait_for("form#send-code-form")
    assert browser.url == world.pw.base_url + "/pickup", browser.url
    assert world.links[BOB][2] not in browser.url


def test_an_oversized_reply_is_refused_with_413_and_not_sent(world):
    c = world.pw.client()
    path = c.pick_up(world.links[BOB][0], world.box(BOB))
    token = c.csrf(c.get(path).text)
    big = c.post(path + "/reply", csrf=False, files={"csrf": (None, token), "body": (None, "see attached"),
                                                     "attachment": ("scan.bin", os.urandom(REPLY_MAX + 1000))})
    assert big.status_code == 413 and problem_status(big.text) == "413", (big.status_code, big.text[:500])
    many = c.post(path + "/reply", csrf=False, files=[("csrf", (None, token)), ("body", (None, "three files"))]
                  + [("attachment", (f"f{i}.txt", b"x")) for i in range(3)])
    assert many.status_code == 413, (many.status_code, many.text[:500])
    assert not [x for x in portal_records(world.pw.gw, world.qids[BOB]) if x["event"] == "portal_reply"]


def test_a_tampered_link_gets_the_uniform_404_and_sends_no_code(world, browser):
    link, mid, token = world.links[CAROL]
    flipped = token[:-1] + ("a" if token[-1] != "a" else "b")
    before = code_records(world, CAROL)
    pages = []
    for bad in (f"{world.pw.base_url}/p/{mid}/{flipped}", f"{world.pw.base_url}/p/{random_id()}/{random_token()}",
                f"{world.pw.base_url}/p/{mid}/short"):
        c = world.pw.client()
        r = c.arrive(bad)
        assert r.status_code == 200 and 'id="send-code-form"' in r.text, "the GET parses only, whatever the link"
        r = c.request_code()
        assert r.status_code == 404 and problem_status(r.text) == "404", (bad, r.status_code, r.text[:800])
        pages.append(main_of(r.text))
    assert len(set(pages)) == 1, "the 404 differs between a tampered token and an unknown message"
    assert code_records(world, CAROL) == before, "a tampered link mailed a code"
    browser.get(f"{world.pw.base_url}/p/{mid}/{flipped}")
    browser.submit("button#send-code", "main#problem")
    assert browser.problem_status() == "404"
    assert_accessible(browser, "404-not-valid")


# --- forged forms -------------------------------------------------------------------------------

def test_a_form_without_its_csrf_token_is_refused_with_403(world, browser):
    c = world.pw.client()
    assert 'id="send-code-form"' in c.arrive(world.links[GIL][0]).text
    before = code_records(world, GIL)
    for data in ({}, {"csrf": ""}, {"csrf": "A" * 52}):
        r = c.post("/pickup/code", data, csrf=False)
        assert r.status_code == 403 and problem_status(r.text) == "403", (data, r.status_code, r.text[:500])
    other = world.pw.client()
    other.arrive(world.links[GIL][0])
    r = c.post("/pickup/code", {"csrf": other.csrf()}, csrf=False)
    assert r.status_code == 403, "another session's CSRF token was accepted"
    assert code_records(world, GIL) == before, "a forged form mailed a code"
    # The browser's view of it: a forged POST from the page itself has no token.
    browser.get(world.links[GIL][0])
    browser.wait_for("form#send-code-form")
    browser.driver.execute_script("document.querySelector('input[name=csrf]').remove()")
    browser.submit("button#send-code", "main#problem")
    assert browser.problem_status() == "403"
    assert_accessible(browser, "403-form-expired")


# --- expired and revoked: 410 to the holder of the right link --------------------------------

def test_a_link_revoked_by_the_sender_is_410(world, browser):
    box = Mailbox(world.pw.clinic, world.sender)
    rid = world.links[ED][1]
    revoke = box.wait(lambda ms: next((m.group(0) for d in ms for m in [REVOKE.search(text_of(parsed(d)) or "")]
                                       if m and m.group(1) == rid), None), f"the sender's copy for {ED}")
    browser.get(revoke)
    browser.wait_for("button#revoke")
    assert_accessible(browser, "sender-revoke")
    # The GET only asks: the recipient's link still works until the button is pressed.
    probe = world.pw.client()
    probe.arrive(world.links[ED][0])
    before = world.box(ED).mark()
    assert probe.request_code().status_code == 200
    browser.submit("button#revoke", "main#revoked")
    assert_accessible(browser, "sender-revoked")
    [rec] = wait_portal_event(world.pw.gw, world.qids[ED], "portal_revoked")
    assert rec.get("actor") == "sender", rec
    c = world.pw.client()
    c.arrive(world.links[ED][0])
    r = c.request_code()
    assert r.status_code == 410 and "no longer available" in r.text, (r.status_code, r.text[:800])
    # The session that was waiting for its code is refused too.
    assert probe.verify(world.box(ED).wait_code(before)).status_code in (404, 410)


def portal_cli(w: World):
    p = w.pw.gw.cli("portal", "--help")
    return p.returncode == 0 and "unlock" in (p.stdout + p.stderr)


def test_an_admin_revoke_makes_the_link_410(world):
    if not portal_cli(world):
        pytest.skip("`sealgate portal` is not in this build (the portal-admin helper builds it)")
    mid = world.links[GIL][1]
    world.pw.gw.cli_ok("portal", "revoke", mid)
    c = world.pw.client()
    c.arrive(world.links[GIL][0])
    assert c.request_code().status_code == 410
    [rec] = wait_portal_event(world.pw.gw, world.qids[GIL], "portal_revoked")
    assert rec.get("actor") not in (None, "sender"), rec


def test_an_expired_link_is_410_no_longer_available(world, browser):
    [notice] = wait_portal_event(world.pw.gw, world.qids[DORA], "portal_notice")
    # brief.test's rule lets the notice name the subject (notice_subject: true), patients.test's does not.
    [dora_notice] = [d for d in world.box(DORA).all() if world.links[DORA][0] in (text_of(parsed(d)) or "")]
    assert str(parsed(dora_notice)["Subject"]) == f"Secure message from Example Clinic: {world.sent[DORA].subject}"
    [bob_notice] = [d for d in world.box(BOB).all() if world.links[BOB][0] in (text_of(parsed(d)) or "")]
    assert world.sent[BOB].subject.encode() not in bob_notice
    import datetime
    stored = datetime.datetime.fromisoformat(notice["time"].replace("Z", "+00:00")).timestamp()
    procs.wait_until(lambda: time.time() > stored + EXPIRY + 1, EXPIRY + 30, "the message's expiry to pass", 0.5)
    browser.get(world.links[DORA][0])
    browser.submit("button#send-code", "main#problem")
    assert browser.problem_status() == "410", browser.source()[:1000]
    assert "no longer available" in browser.text("main#problem h1")
    assert_accessible(browser, "410-expired")
    r = world.pw.client()
    r.arrive(world.links[DORA][0])
    assert r.request_code().status_code == 410
    wait_portal_event(world.pw.gw, world.qids[DORA], "portal_expired")
    assert code_records(world, DORA) == 0
    # A wrong token for the same (gone) message learns nothing: the uniform 404.
    w = world.pw.client()
    w.arrive(f"{world.pw.base_url}/p/{world.links[DORA][1]}/{random_token()}")
    assert w.request_code().status_code == 404


# --- guessing codes (last: it locks CAROL's message) ---------------------------------------------

def test_code_brute_force_reaches_lockout(world, browser):
    ip = net.next_ip()
    c = world.pw.client(source_ip=ip)
    box = world.box(CAROL)
    assert 'id="send-code-form"' in c.arrive(world.links[CAROL][0]).text
    mark = box.mark()
    assert c.request_code().status_code == 200
    code = box.wait_code(mark)
    guesses = [f"{(int(code) + k * 7919) % 10**8:08d}" for k in range(1, 6)]
    statuses = []
    for g in guesses:
        r = c.verify(g)
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[:4] == [400] * 4 and statuses[4] in (400, 429), statuses
    # Locked: even the right code is refused now, and nothing was opened.
    r = c.verify(code)
    assert r.status_code == 429 and problem_status(r.text) == "429", (r.status_code, r.text[:800])
    assert c.request_code().status_code == 429
    qid = world.qids[CAROL]
    locks = wait_portal_event(world.pw.gw, qid, "portal_lockout")
    assert "scope=message" in " ".join(str(x.get("detail")) for x in locks), locks
    failed = [x for x in portal_records(world.pw.gw, qid) if x["event"] == "portal_login_failed"]
    assert len(failed) >= 4 and all(x.get("client_address") == ip for x in failed), failed
    assert not [x for x in portal_records(world.pw.gw, qid) if x["event"] in ("portal_login", "portal_view")]
    for rec in failed + locks:
        assert code not in str(rec), "a code is in the audit"
    # The message is locked for everyone, the browser (another client address) too: the 429 page.
    browser.get(world.links[CAROL][0])
    browser.submit("button#send-code", "main#problem")
    assert browser.problem_status() == "429"
    assert_accessible(browser, "429-locked")

    if not portal_cli(world):
        pytest.skip("lockout reached and audited; `sealgate portal unlock` is not in this build "
                    "(the portal-admin helper builds it)")
    for target in (world.links[CAROL][1], CAROL, ip):
        world.pw.gw.cli_ok("portal", "unlock", target)
    # One record per lifted scope; an unlock is an admin act, not tied to the message's queue id.
    unlocks = procs.wait_until(lambda: (lambda u: u if len(u) >= 3 else None)(audit_events(world.pw.gw, "portal_unlock")),
                               30, "three portal_unlock records")
    [by_message] = [u for u in unlocks if "scope=message" in str(u.get("detail"))]
    assert by_message.get("portal_message_id") == world.links[CAROL][1], by_message
    assert sorted(re.search(r"scope=(\w+)", str(u.get("detail"))).group(1) for u in unlocks) == \
        ["client", "message", "recipient"], unlocks
    assert all(u.get("actor") for u in unlocks), f"an unlock names no admin: {unlocks}"
    mark = box.mark()
    assert c.request_code().status_code == 200, "after the unlock a new code can be asked for"
    r = c.verify(box.wait_code(mark))
    assert r.status_code == 200 and re.search(rf"/message/{ID}$", r.url), (r.status_code, r.text[:500])
