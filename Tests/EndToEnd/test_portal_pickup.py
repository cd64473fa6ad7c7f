# The whole pickup in a real browser: a PHI message from the clinic to a patient with no key whose MX
# offers no STARTTLS goes to the portal; the notice (no PHI) reaches the patient's Postfix MX; headless
# Chromium follows its link (a mail scanner's GET first: no code is sent), asks for a code, reads it
# from the mailbox, opens the message (text, HTML framed in a sandbox), downloads the attachment and
# replies with an attachment, which reaches the clinic's own Postfix MX. Every page is screenshotted
# at 1280 and 390 px and checked with axe; the audit holds each step for the message's queue id.
import dataclasses
import json
import os
import re
import uuid

import dkim
import pytest

from harness import browser as hb
from harness import procs
from harness.ladder import deciding, wait_decided
from harness.policyfiles import minimal_pdf, ssn_forms
from harness.portal import (BODY_PHRASE, ID, Mailbox, PortalWorld, clinic_sender, link_in, parsed, phi_mail,
                            portal_records, send, start_world, text_of, wait_portal_event)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(hb.available() is not None, reason=str(hb.available()))]

PATIENT = "pat@patients.test"
HTML_MARKER = "Formatted results " + uuid.uuid4().hex[:8]
HTML = f'<!DOCTYPE html><html><body><h1>Results</h1><p id="html-marker">{HTML_MARKER}</p></body></html>'
PDF = minimal_pdf("Lab report for the portal test")
REPLY_MARKER = "Thanks, got it " + uuid.uuid4().hex[:8]
REPLY_FILE = b"My own notes for the clinic\n" + uuid.uuid4().hex.encode() + b"\n"


@dataclasses.dataclass
class Pickup:
    pw: PortalWorld
    qid: str
    sender: str
    sent: object
    notice: bytes
    link: str
    message_id: str
    token: str
    codes_after_get: list           # code mails in the mailbox after the scanner's and browser's GETs
    code_records_after_get: list    # portal_code_sent records then
    pickup_url: str
    message_text: str
    frame_sandbox: str | None
    frame_text: str
    downloaded: bytes
    download_headers: dict
    frame_headers: dict
    reply: bytes
    violations: list
    shots: list
    code_mails: int


def browser_cookie_header(b) -> dict:
    [c] = [c for c in b.cookies() if c["name"] == "__Host-sealgate"]
    return {"Cookie": f"{c['name']}={c['value']}"}


@pytest.fixture(scope="module")
def pickup(certs, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("portal-pickup"))
    pw = start_world(certs, base, ["patients.test"], dkim=True)
    b = None
    try:
        sender = clinic_sender("dr")
        sent = phi_mail(sender, [PATIENT], html=HTML, attachment=("results.pdf", "application/pdf", PDF))
        qid = send(pw, sender, [PATIENT], sent)
        rec = deciding(wait_decided(pw.gw, qid, [PATIENT]), PATIENT)
        assert rec["event"] == "delivered" and rec["method"]["method"] == "portal", rec
        box = Mailbox(pw.mx(PATIENT), PATIENT)
        link, message_id, token = box.wait_notice(pw.base_url)
        [notice] = [d for d in box.all() if link_in(d, pw.base_url)]

        # A mail security scanner fetches every link: that GET (and its redirect) must send nothing.
        scanner = pw.client()
        r = scanner.get(link)
        assert r.status_code == 200 and 'id="send-code-form"' in r.text, (r.status_code, r.text[:1000])

        violations = []
        b = hb.Browser(os.path.join(base, "browser"), tag="pickup")
        b.get(link)
        b.wait_for("form#send-code-form")
        pickup_url = b.url
        violations += b.check_page("1-send-me-a-code")
        codes_after_get = box.codes()
        code_records_after_get = [r for r in portal_records(pw.gw, qid) if r["event"] == "portal_code_sent"]

        mark = box.mark()
        b.submit("button#send-code", "input#code")
        violations += b.check_page("2-enter-code")
        code = box.wait_code(mark)
        wrong = "11111111" if code == "00000000" else "00000000"
        b.find("input#code").send_keys(wrong)
        b.submit("button#verify", "#code-error")
        violations += b.check_page("3-wrong-code")
        b.find("input#code").send_keys(code)
        b.submit("button#verify", "main#message")
        violations += b.check_page("4-message")
        message_text = b.text("pre#message-text")
        frame = b.find("iframe#message-html")
        frame_sandbox = frame.get_attribute("sandbox")
        b.driver.switch_to.frame(frame)
        frame_text = b.wait_for("#html-marker").text
        b.driver.switch_to.default_content()

        [att] = b.find_all("a.attachment")
        assert att.get_attribute("data-filename") == "results.pdf", att.get_attribute("outerHTML")
        href = att.get_attribute("href")
        att.click()
        downloaded = b.wait_download("results.pdf")
        fetched = pw.client().get(href, headers=browser_cookie_header(b))
        assert fetched.status_code == 200, (fetched.status_code, fetched.text[:500])
        assert fetched.content == PDF, "the download over requests differs from the attachment"
        frame_src = pw.client().get(re.sub(r"(/message/" + ID + r").*", r"\1/html", href),
                                    headers=browser_cookie_header(b))

        reply_path = os.path.join(base, "my-notes.txt")
        with open(reply_path, "wb") as f:
            f.write(REPLY_FILE)
        b.find("textarea#reply-body").send_keys(REPLY_MARKER)
        b.find("input#reply-attachment").send_keys(reply_path)
        b.submit("button#send-reply", "#reply-sent")
        violations += b.check_page("5-reply-sent")
        reply = Mailbox(pw.clinic, sender).wait(
            lambda ms: next((d for d in ms if REPLY_MARKER.encode() in d), None), "the portal reply")
        yield Pickup(pw, qid, sender, sent, notice, link, message_id, token, codes_after_get,
                     code_records_after_get, pickup_url, message_text, frame_sandbox, frame_text, downloaded,
                     dict(fetched.headers), dict(frame_src.headers), reply, violations, list(b.shots),
                     len(box.codes()))
    finally:
        if b is not None:
            b.quit()
        pw.stop()


def test_the_notice_reaches_the_patients_mx_with_the_link_and_no_phi(pickup):
    raw = pickup.notice
    for form in ssn_forms(pickup.sent.ssn):
        assert form not in raw, "the notice holds the SSN"
    assert pickup.sent.marker.encode() not in raw and BODY_PHRASE.encode() not in raw, "the notice holds the body"
    assert pickup.sent.subject.encode() not in raw, "notice_subject is off: the notice must not name the subject"
    assert b"results.pdf" not in raw, "the notice names the attachment"
    m = parsed(raw)
    assert m.get_content_type() == "multipart/alternative", m.get_content_type()
    assert pickup.link in text_of(m, "plain") and pickup.link in text_of(m, "html"), "both parts carry the link"
    assert pickup.pw.mx(PATIENT).saw_sender("portal@clinic.test"), "the notice comes from notice_from"
    pickup.pw.mx(PATIENT).assert_untouched(pickup.sender, pickup.sent.mid)


def test_the_notice_carries_the_clinics_dkim_signature(pickup):
    records = pickup.pw.dkim_records

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip("."))
    raw = pickup.notice
    assert b"DKIM-Signature:" in raw, raw[:800]
    # The MX host's delivery adds its own headers on top; dkimpy verifies the signature below them.
    signed = raw[raw.index(b"DKIM-Signature:"):]
    assert dkim.verify(signed, dnsfunc=dnsfunc), "the notice's DKIM signature does not verify"
    nl = b"\r\n" if b"\r\n" in signed else b"\n"
    tampered = signed.replace(nl + b"Subject: ", nl + b"Subject: Re: ", 1)
    assert tampered != signed and not dkim.verify(tampered, dnsfunc=dnsfunc), "a changed Subject still verifies"


def test_following_the_link_sends_no_code_and_leaves_the_token_behind(pickup):
    assert pickup.codes_after_get == [], "a GET of the link (scanner or browser) mailed a code"
    assert pickup.code_records_after_get == [], "a GET of the link recorded portal_code_sent"
    assert pickup.pickup_url.endswith("/pickup") and pickup.token not in pickup.pickup_url, pickup.pickup_url
    # Asking once sent exactly one code: so nothing before the button sent one that arrived later.
    assert pickup.code_mails == 1, f"{pickup.code_mails} code mails reached the mailbox, one was asked for"
    assert len([r for r in portal_records(pickup.pw.gw, pickup.qid) if r["event"] == "portal_code_sent"]) == 1


def test_the_message_is_shown_text_escaped_and_html_in_a_sandboxed_frame(pickup):
    assert BODY_PHRASE in pickup.message_text and pickup.sent.marker in pickup.message_text, pickup.message_text
    assert pickup.sent.ssn in pickup.message_text, "the recipient reads the whole message"
    assert pickup.frame_sandbox == "", f"the frame's sandbox attribute is {pickup.frame_sandbox!r} (must be empty)"
    assert pickup.frame_text == HTML_MARKER
    csp = pickup.frame_headers.get("Content-Security-Policy", "")
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp, csp


def test_the_attachment_downloads_with_its_bytes_as_an_attachment(pickup):
    assert pickup.downloaded == PDF, "the browser's download differs from the attachment"
    h = pickup.download_headers
    assert h.get("Content-Type", "").startswith("application/pdf"), h
    assert h.get("Content-Disposition", "").startswith("attachment;") and 'filename="results.pdf"' in h["Content-Disposition"], h
    assert h.get("X-Content-Type-Options") == "nosniff" and h.get("Cache-Control") == "no-store", h


def test_the_reply_with_its_attachment_reaches_the_senders_mx(pickup):
    m = parsed(pickup.reply)
    assert str(m["Subject"]) == f"Re: {pickup.sent.subject}", m["Subject"]
    assert str(m["In-Reply-To"]).strip() == f"<{pickup.sent.mid}>", m["In-Reply-To"]
    # From is the portal's address named for the patient, Reply-To the patient: the clinic's DKIM key
    # signs it, so the clinic's own DMARC check passes.
    assert PATIENT in str(m["From"]) and "<portal@clinic.test>" in str(m["From"]), m["From"]
    assert PATIENT in str(m["Reply-To"]), m["Reply-To"]
    records = pickup.pw.dkim_records
    raw = pickup.reply
    assert b"DKIM-Signature:" in raw, raw[:800]
    assert dkim.verify(raw[raw.index(b"DKIM-Signature:"):], dnsfunc=lambda name, timeout=5: records.get(name.decode().rstrip("."))), \
        "the reply's DKIM signature does not verify"
    assert REPLY_MARKER in (text_of(m) or ""), text_of(m)
    files = [(p.get_filename(), p.get_payload(decode=True)) for p in m.walk() if p.is_attachment()]
    assert files == [("my-notes.txt", REPLY_FILE)], files
    # The clinic's MX has a test-CA certificate: the reply went over TLS.
    envelope_sender = str(m["Return-Path"]).strip().strip("<>")
    assert pickup.pw.clinic.tls_for_sender(envelope_sender) is not None, "the reply reached the clinic in plaintext"


def test_every_page_has_screenshots_and_no_serious_axe_violation(pickup):
    assert pickup.violations == [], json.dumps(pickup.violations, indent=1)
    names = {os.path.basename(p) for p in pickup.shots}
    for page in ("1-send-me-a-code", "2-enter-code", "3-wrong-code", "4-message", "5-reply-sent"):
        for width in ("desktop", "phone"):
            assert f"pickup-{page}-{width}.png" in names, sorted(names)
    assert all(os.path.getsize(p) > 1000 for p in pickup.shots)


def test_the_audit_has_every_step_for_the_queue_id(pickup):
    gw, qid = pickup.pw.gw, pickup.qid
    expected = {"portal_notice": 1, "portal_code_sent": 1, "portal_login_failed": 1, "portal_login": 1,
                "portal_view": 1, "portal_download": 2, "portal_reply": 1}  # downloads: the browser's and requests'
    for event, count in expected.items():
        recs = wait_portal_event(gw, qid, event, count)
        assert len(recs) == count, f"{len(recs)} {event} records, expected {count}: {recs}"
        for rec in recs:
            assert rec.get("portal_message_id") == pickup.message_id, rec
            assert str(rec.get("recipient", "")).strip("<>") == PATIENT, rec
    [login] = [r for r in portal_records(gw, qid) if r["event"] == "portal_login"]
    assert "by=code" in str(login.get("detail")), login
    for dl in [r for r in portal_records(gw, qid) if r["event"] == "portal_download"]:
        assert f"size={len(PDF)}" in str(dl.get("detail")) and "results.pdf" not in json.dumps(dl), dl
    [reply] = [r for r in portal_records(gw, qid) if r["event"] == "portal_reply"]
    assert re.search(r"reply queued as \S+ attachments=1", str(reply.get("detail"))), reply
    dump = gw.cli_ok("audit", "query", "--queue-id", qid, "--json")
    assert pickup.token not in dump, "the link token is in the audit"
    for form in ssn_forms(pickup.sent.ssn):
        assert form.decode() not in dump, "the SSN is in the audit"
    assert pickup.token not in gw.log(), "the link token is in the daemon's log"
    # Every portal record is in the hash chain like the rest.
    verify = gw.cli("audit", "verify")
    assert verify.returncode == 0, f"sealgate audit verify: {verify.stdout}{verify.stderr}"
