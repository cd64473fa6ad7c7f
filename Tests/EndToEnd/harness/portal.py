# The portal end to end: a world of Postfix MX hosts (the clinic's own, with verified TLS, and the
# patients', plaintext only), DNS, and a Sealgate with the portal on (a self-signed certificate for
# its 127.0.0.x listener); the notice's link and the emailed code read from the MX mailboxes; and a
# plain HTTPS client (requests) for what a browser hides: status codes, headers, forged forms.
import dataclasses
import email
import email.message
import email.policy
import email.utils
import os
import re
import subprocess
import uuid

from . import net, procs
from .mxhosts import MXWorld, mx_delivery_overrides
from .policyfiles import install_shipped, send_ok, synthetic_ssn, write_policy
from .sealgate import Sealgate

ORGANISATION = "Example Clinic"
CLINIC = "clinic.test"          # the senders' organisation: its MX has a test-CA certificate (verify)
ID = r"[a-z2-7]{26}"
TOKEN = r"[a-z2-7]{52}"
CODE = re.compile(r"(?<!\d)(\d{8})(?!\d)")
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
BODY_PHRASE = "The results of the biopsy are in."


# --- the portal's certificate and configuration ------------------------------------------------

def self_signed_ip_cert(ip: str, out: str) -> tuple[str, str]:
    """A self-signed certificate for IP:ip (what the browser is told to accept); (pem, key)."""
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", out + ".key",
                        "-out", out + ".pem", "-days", "30", "-subj", f"/O=Sealgate Test Portal/CN={ip}",
                        "-addext", f"subjectAltName=IP:{ip}", "-addext", "basicConstraints=critical,CA:TRUE"],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return out + ".pem", out + ".key"


def portal_config(gw: Sealgate, extra: dict | None = None) -> dict:
    """The `portal:` section for `gw`: listening on its own 127.0.0.x, a self-signed certificate,
    scrypt at 2^10 so tests are fast."""
    from .sealgate import merge
    port = net.free_port(gw.ip)
    self_signed_ip_cert(gw.ip, os.path.join(gw.dir, "certs", "portal"))
    cfg = {
        "listen": f"{gw.ip}:{port}",
        "base_url": f"https://{gw.ip}:{port}",
        "tls": {"certificate": "certs/portal.pem", "key": "certs/portal.key"},
        "store": "var/portal",
        "pepper_file": "var/portal.pepper",
        "organisation": ORGANISATION,
        "notice_from": f"portal@{CLINIC}",
        "password_cost": 10,
        "code_lifetime": "15m",
        "session_lifetime": "15m",
        "codes_per_hour": 5,
        "lockout": {"failures": 5, "duration": "1h"},
        "reply": {"max_size": "7MB", "max_attachments": 5},   # fits the 10 MiB message limit in base64
    }
    return merge(cfg, extra or {})


# --- one world ----------------------------------------------------------------------------------

@dataclasses.dataclass
class PortalWorld:
    world: MXWorld
    gw: Sealgate
    clinic: object            # the clinic's MXHost (replies and sender copies land here)
    patients: dict            # domain -> MXHost
    dkim_records: dict = dataclasses.field(default_factory=dict)   # TXT owner -> value, with dkim=True

    @property
    def base_url(self) -> str:
        return self.gw.config["portal"]["base_url"]

    @property
    def cert(self) -> str:
        return os.path.join(self.gw.dir, "certs", "portal.pem")

    def mx(self, address: str):
        return self.patients[address.split("@", 1)[1]]

    def client(self, source_ip: str | None = None) -> "PortalClient":
        return PortalClient(self.base_url, self.cert, source_ip)

    def stop(self):
        try:
            self.gw.stop()
        except Exception as e:
            print(f"stopping sealgate failed: {e}")
            self.gw.kill9()
        print(f"--- sealgate log, last 5000 chars:\n{self.gw.log()[-5000:]}")
        self.world.stop()


def start_world(certs: str, base: str, patient_domains: list, policies: dict | None = None,
                portal: dict | None = None, config: dict | None = None, keys=(), kinds: dict | None = None,
                env: dict | None = None, dkim: bool = False) -> PortalWorld:
    """MX hosts: mx.clinic.test ("ca": verified TLS) and one plaintext MX per patient domain
    (`kinds` may give another kind); DNS; a Sealgate with the shipped policies plus `policies`
    ({file name: text}), the portal (`portal` deep-merged into portal_config) and `keys` imported
    (`sealgate keys import PATH`); with `dkim`, an Ed25519 DKIM key for the clinic's domain (the
    notice_from domain) whose TXT record is in PortalWorld.dkim_records. Stop it with PortalWorld.stop()."""
    world = MXWorld(certs, os.path.join(base, "world"))
    clinic = world.host(f"mx.{CLINIC}", "ca")
    world.zone(CLINIC, "signed", [f"@ MX 10 mx.{CLINIC}.", clinic.a_record()])
    patients = {}
    for d in patient_domains:
        h = world.host(f"mx.{d}", (kinds or {}).get(d, "plain"))
        world.zone(d, "signed", [f"@ MX 10 mx.{d}.", h.a_record()])
        patients[d] = h
    world.start()
    gw = None
    try:
        gwdir = os.path.join(base, "gw")
        os.makedirs(gwdir)
        from .sealgate import merge
        overrides = mx_delivery_overrides(world, extra=merge(
            {"delivery": {"retry": ["10m"], "retry_after": "1h"}}, config or {}))
        gw = Sealgate(gwdir, certs, None, overrides, env=env)
        gw.config["portal"] = portal_config(gw, portal)
        gw.write_config()
        install_shipped(gw)
        for name, text in (policies or {}).items():
            write_policy(gw, name, text)
        for k in keys:
            gw.cli_ok("keys", "import", k)
        records = {}
        if dkim:
            owner, txt = gw.dkim_keygen(CLINIC, "p2026", "ed25519")
            records[owner] = txt
            gw.config["dkim"] = {"domains": {CLINIC: {"selector": "p2026", "key": f"certs/dkim/{CLINIC}.p2026.key"}}}
            gw.write_config()
        gw.start()
        assert f"sealgate: portal on {gw.config['portal']['base_url']}" in gw.log(since_start=True), \
            f"the daemon did not say it serves the portal:\n{gw.log()[-3000:]}"
        return PortalWorld(world, gw, clinic, patients, records)
    except BaseException:
        if gw is not None:
            try:
                gw.stop()
            except Exception:
                gw.kill9()
            print(f"--- sealgate log, last 5000 chars:\n{gw.log()[-5000:]}")
        world.stop()
        raise


def clinic_sender(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@{CLINIC}"


# --- messages -----------------------------------------------------------------------------------

@dataclasses.dataclass
class Sent:
    data: bytes
    ssn: str
    marker: str       # in the body text only
    subject: str
    mid: str
    attachment: bytes | None = None
    attachment_name: str | None = None


def phi_mail(sender: str, rcpts: list, html: str | None = None, attachment: tuple | None = None,
             subject: str | None = None) -> Sent:
    """A message with an SSN in its text (so the PHI rule decides): text/plain, with `html` as a
    text/html alternative, and `attachment` (filename, content type, bytes) when given."""
    ssn, _ = synthetic_ssn()
    marker = uuid.uuid4().hex
    subject = subject or f"Your results {uuid.uuid4().hex[:8]}"
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = f"Dr Example <{sender}>"
    m["To"] = ", ".join(f"<{r}>" for r in rcpts)
    m["Subject"] = subject
    m["Date"] = email.utils.formatdate(localtime=False)
    mid = f"{uuid.uuid4().hex}@client.example"
    m["Message-ID"] = f"<{mid}>"
    m.set_content(f"Hello,\n\n{BODY_PHRASE} Patient SSN: {ssn}\nReference {marker}\n\nRegards\n")
    if html is not None:
        m.add_alternative(html, subtype="html")
    att = name = None
    if attachment:
        name, ctype, att = attachment
        maintype, subtype = ctype.split("/", 1)
        m.add_attachment(att, maintype=maintype, subtype=subtype, filename=name)
    return Sent(m.as_bytes(), ssn, marker, subject, mid, att, name)


def send(pw: PortalWorld, sender: str, rcpts: list, sent: Sent) -> str:
    return send_ok(pw.gw, sender, rcpts, sent.data)


# --- what the MX mailboxes got -----------------------------------------------------------------

def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def text_of(msg, subtype: str = "plain") -> str | None:
    """The decoded text/SUBTYPE part of a message (the first one)."""
    for part in msg.walk():
        if part.get_content_type() == f"text/{subtype}" and not part.is_attachment():
            return part.get_content()
    return None


def addressed_to(data: bytes, rcpt: str) -> bool:
    m = parsed(data)
    return rcpt.lower() in str(m.get("To", "")).lower() or rcpt.lower() in str(m.get("Delivered-To", "")).lower()


def link_in(data: bytes, base_url: str) -> tuple[str, str, str] | None:
    """(link, message id, token) of the pickup link in a notice's text part, or None."""
    text = text_of(parsed(data)) or ""
    m = re.search(re.escape(base_url) + rf"/p/({ID})/({TOKEN})(?![a-z2-7])", text)
    return (m.group(0), m.group(1), m.group(2)) if m else None


def code_in(data: bytes) -> str | None:
    """The 8-digit code of a code mail (its text part holds exactly one), or None."""
    m = parsed(data)
    if not str(m.get("Subject", "")).startswith("Your code"):
        return None
    codes = CODE.findall(text_of(m) or "")
    assert len(set(codes)) == 1, f"a code mail must hold one 8-digit code, found {codes}:\n{text_of(m)}"
    return codes[0]


def delivered(host) -> list:
    """The complete messages in an MXHost's Maildir (new/ and cur/; tmp/ holds files Postfix is still
    writing, which it renames into new/), in name order. A file moved while listing is skipped."""
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(host.postfix.maildir, sub)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            try:
                with open(os.path.join(d, name), "rb") as f:
                    out.append(f.read())
            except FileNotFoundError:
                continue
    return out


class Mailbox:
    """The messages to one address at its MX host, and waiting for new ones."""

    def __init__(self, host, rcpt: str):
        self.host, self.rcpt = host, rcpt

    def all(self) -> list:
        return [d for d in delivered(self.host) if addressed_to(d, self.rcpt)]

    def codes(self) -> list:
        return [c for c in (code_in(d) for d in self.all()) if c]

    def notices(self, base_url: str) -> list:
        return [l for l in (link_in(d, base_url) for d in self.all()) if l]

    def wait(self, pick, what: str, timeout: float = 45):
        """The first value `pick(messages)` returns that is not None."""
        try:
            return procs.wait_until(lambda: pick(self.all()), timeout, f"{what} for {self.rcpt} at {self.host}", 0.2)
        except procs.Timeout as e:
            raise AssertionError(f"{e}\n--- maillog:\n{self.host.log()[-3000:]}") from None

    def mark(self) -> frozenset:
        """The Message-IDs of what is here now; wait_code(mark) and wait_notice(url, mark) then wait
        for a message that is not among them (Maildir names do not sort by arrival within a second)."""
        return frozenset(str(parsed(d).get("Message-ID", "")) for d in self.all())

    def _new(self, after: frozenset, value, what: str, timeout: float):
        def pick(ms):
            found = [v for d in ms if str(parsed(d).get("Message-ID", "")) not in after for v in [value(d)] if v]
            assert len(found) <= 1, f"more than one new {what} for {self.rcpt}: {found}"
            return found[0] if found else None
        return self.wait(pick, what, timeout)

    def wait_notice(self, base_url: str, after: frozenset = frozenset(), timeout: float = 45) -> tuple[str, str, str]:
        """The link of the one notice to this address that arrived since `after` (a mark())."""
        return self._new(after, lambda d: link_in(d, base_url), "portal notice", timeout)

    def wait_code(self, after: frozenset = frozenset(), timeout: float = 45) -> str:
        """The code of the one code mail to this address that arrived since `after` (a mark())."""
        return self._new(after, code_in, "code mail", timeout)


def portal_records(gw: Sealgate, qid: str) -> list:
    return [r for r in gw.audit(qid) if str(r.get("event", "")).startswith("portal_")]


def wait_portal_event(gw: Sealgate, qid: str, event: str, count: int = 1, timeout: float = 30) -> list:
    def got():
        recs = [r for r in gw.audit(qid) if r.get("event") == event]
        return recs if len(recs) >= count else None
    try:
        return procs.wait_until(got, timeout, f"{count} audit record(s) {event} for {qid}", 0.3)
    except procs.Timeout as e:
        raise AssertionError(f"{e}\nportal records: {portal_records(gw, qid)}\nlog:\n{gw.log()[-3000:]}") from None


# --- a plain HTTPS client ----------------------------------------------------------------------

class PortalClient:
    """requests against the portal, verifying its self-signed certificate, optionally from its own
    127.0.0.x source address (the portal counts failures per client address)."""

    def __init__(self, base_url: str, cert: str, source_ip: str | None = None):
        import requests
        from requests.adapters import HTTPAdapter

        self.base = base_url
        self.s = requests.Session()
        # No proxy, no CA bundle from the environment (REQUESTS_CA_BUNDLE would replace `verify`).
        self.s.trust_env = False
        self.s.verify = cert
        self.source_ip = source_ip
        if source_ip:
            class SourceAdapter(HTTPAdapter):
                def init_poolmanager(self, *a, **kw):
                    kw["source_address"] = (source_ip, 0)
                    return super().init_poolmanager(*a, **kw)
            self.s.mount("https://", SourceAdapter())
        self.last = None

    def url(self, path: str) -> str:
        return path if path.startswith("https://") else self.base + path

    def get(self, path: str, **kw):
        kw.setdefault("timeout", 30)
        self.last = self.s.get(self.url(path), **kw)
        self._remember()
        return self.last

    def post(self, path: str, data=None, files=None, csrf: bool = True, **kw):
        """POSTs a form; with csrf=True the token of the last page fetched is added."""
        data = dict(data or {})
        if csrf and "csrf" not in data:
            data["csrf"] = self.csrf()
        kw.setdefault("timeout", 30)
        self.last = self.s.post(self.url(path), data=data, files=files, **kw)
        self._remember()
        return self.last

    def _remember(self):
        """The session's CSRF token is one per session: kept from the last page that had a form,
        so a form can still be posted after a page without one (a 429, a 404)."""
        m = CSRF.search(self.last.text or "")
        if m and m.group(1):
            self._csrf = m.group(1)

    def csrf(self, html: str | None = None) -> str:
        if html is None and getattr(self, "_csrf", None):
            return self._csrf
        text = html if html is not None else (self.last.text if self.last is not None else "")
        m = CSRF.search(text)
        assert m and m.group(1), f"no csrf field in the page:\n{text[:2000]}"
        return m.group(1)

    def cookie(self) -> str | None:
        return self.s.cookies.get("__Host-sealgate")

    # --- the pickup, step by step ------------------------------------------------------------

    def arrive(self, link: str):
        r = self.get(link)
        return r

    def request_code(self):
        return self.post("/pickup/code")

    def verify(self, code: str):
        return self.post("/pickup/verify", {"code": code})

    def pick_up(self, link: str, box: Mailbox) -> str:
        """Link, code (the next one to reach `box`), verify: returns the message page's path."""
        r = self.arrive(link)
        assert r.status_code == 200 and 'id="send-code-form"' in r.text, (r.status_code, r.url, r.text[:1500])
        mark = box.mark()
        r = self.request_code()
        assert r.status_code == 200 and 'id="verify-form"' in r.text, (r.status_code, r.text[:1500])
        r = self.verify(box.wait_code(mark))
        assert r.status_code == 200 and re.search(rf"/message/{ID}$", r.url), (r.status_code, r.url, r.text[:1500])
        return r.url[len(self.base):]


def problem_status(html: str) -> str | None:
    m = re.search(r'<main id="problem"[^>]*data-status="(\d+)"', html)
    return m.group(1) if m else None


def main_of(html: str) -> str:
    """The page's <main> element as text (what differs from page to page)."""
    m = re.search(r"<main\b.*?</main>", html, re.S)
    assert m, f"no <main> in:\n{html[:1500]}"
    return m.group(0)


def audit_events(gw: Sealgate, event: str) -> list:
    """Every record of `event`, whatever its queue id (a sign-in by password belongs to no message),
    read from the audit store's table read-only: each record's event object."""
    import json
    import sqlite3
    path = os.path.join(gw.dir, "var", "audit.sqlite")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        rows = db.execute("SELECT canonical FROM audit_records WHERE event = ? ORDER BY sequence", (event,)).fetchall()
    finally:
        db.close()
    return [dict(json.loads(r[0])["event"], time=json.loads(r[0])["time"]) for r in rows]
