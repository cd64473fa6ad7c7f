# Receiving MX hosts for the MX-delivery tests: real Postfix instances on their own 127.0.0.N,
# each with one TLS capability (none, self-signed, test CA, TLS 1.2 only, DANE) and its own log.
import os
import re
import shutil
import subprocess

from . import net, procs
from .postfix import Postfix

KINDS = ("plain", "selfsigned", "ca", "tls12", "dane-ee", "dane-ta")

# With smtpd_delay_reject = no, this INFO action logs every MAIL FROM the instance accepts:
#   postfix/smtpd[PID]: NOQUEUE: info: MAIL from localhost[IP]: ; from=<s@x> proto=ESMTP helo=<h>
MAIL_FROM_LOG = re.compile(r"smtpd\[(?P<pid>\d+)\]: NOQUEUE: info: MAIL from \S+: .*?from=<(?P<sender>[^>]*)>")
TLS_FROM_LOG = re.compile(
    r"smtpd\[(?P<pid>\d+)\]: (?P<trust>\w+) TLS connection established from \S+?: "
    r"(?P<version>TLSv[\d.]+) with cipher (?P<cipher>\S+) \((?P<bits>\d+)/(?P<alg_bits>\d+) bits\)")
CONNECT_LOG = re.compile(r"smtpd\[(?P<pid>\d+)\]: connect from \S+")


def _openssl(*args, input=None) -> bytes:
    p = subprocess.run(["openssl", *args], input=input, capture_output=True, timeout=60)
    assert p.returncode == 0, f"openssl {' '.join(args)} failed: {p.stderr.decode(errors='replace')}"
    return p.stdout


def issue_ca_cert(certs: str, name, out: str) -> tuple[str, str]:
    """A leaf for DNS:name (a name or a list of names) signed by the test CA in `certs`
    (scripts/dev-certs output). out.pem holds the leaf followed by the CA (the chain a server
    sends); returns (pem, key)."""
    names = [name] if isinstance(name, str) else list(name)
    ext = out + ".ext"
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=" + ",".join(f"DNS:{n}" for n in names) + "\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", out + ".key", "-out", out + ".csr",
             "-subj", f"/O=Sealgate Test/CN={names[0]}")
    _openssl("x509", "-req", "-in", out + ".csr", "-CA", os.path.join(certs, "ca.pem"),
             "-CAkey", os.path.join(certs, "ca.key"), "-CAcreateserial", "-CAserial", out + ".srl",
             "-days", "30", "-extfile", ext, "-out", out + ".leaf")
    with open(out + ".pem", "wb") as f:
        f.write(open(out + ".leaf", "rb").read() + open(os.path.join(certs, "ca.pem"), "rb").read())
    for suffix in (".csr", ".leaf", ".ext", ".srl"):
        if os.path.exists(out + suffix):
            os.remove(out + suffix)
    return out + ".pem", out + ".key"


def self_signed_cert(name: str, out: str) -> tuple[str, str]:
    """A self-signed certificate for DNS:name (no CA knows it); returns (pem, key)."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", out + ".key", "-out", out + ".pem",
             "-days", "30", "-subj", f"/O=Nobody Trusts Me/CN={name}",
             "-addext", f"subjectAltName=DNS:{name}")
    return out + ".pem", out + ".key"


def spki_sha256(pem: str) -> str:
    """TLSA 3 1 1 data: sha256 of the leaf's DER SubjectPublicKeyInfo."""
    pub = _openssl("x509", "-in", pem, "-pubkey", "-noout")
    der = _openssl("pkey", "-pubin", "-outform", "DER", input=pub)
    return _openssl("dgst", "-sha256", "-r", input=der).split()[0].decode()


def cert_sha256(pem: str) -> str:
    """TLSA x 0 1 data: sha256 of the (first) certificate's DER."""
    der = _openssl("x509", "-in", pem, "-outform", "DER")
    return _openssl("dgst", "-sha256", "-r", input=der).split()[0].decode()


class MXHost:
    """A Postfix MX named `name` on a fresh 127.0.0.N:port that accepts mail for `domains`
    into its own Maildir. Every MAIL FROM it accepts is logged, so its maillog is the oracle
    for "did any transaction reach this host, and over what TLS"."""

    def __init__(self, name: str, kind: str, certs: str, workdir: str, domains=None, port: int = 25,
                 ip: str | None = None):
        """`certs` holds the test CA (dev-certs output); this host's key and certificate go
        into `workdir`/mx-NAME."""
        assert kind in KINDS, f"unknown MX kind {kind!r} (one of {KINDS})"
        self.name, self.kind, self.port = name, kind, port
        self.ip = ip or net.next_ip()
        self.certdir = os.path.join(workdir, "mx-" + name)
        os.makedirs(self.certdir, exist_ok=True)
        base = os.path.join(self.certdir, "cert")
        if kind in ("selfsigned", "dane-ee"):
            self.cert, self.key = self_signed_cert(name, base)
        else:
            self.cert, self.key = issue_ca_cert(certs, name, base)
        self.ca = os.path.join(certs, "ca.pem")
        extra = {
            "myhostname": name,
            "smtpd_delay_reject": "no",
            "smtpd_sender_restrictions": "check_sender_access static:INFO",
            "smtpd_tls_security_level": "none" if kind == "plain" else "may",
        }
        if kind == "tls12":
            for k in ("smtpd_tls_protocols", "smtpd_tls_mandatory_protocols"):
                extra[k] = "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3"
        # static:all: every domain is a mailbox domain, so any test recipient lands in the Maildir.
        self.postfix = Postfix.tls_smarthost(self.ip, port, None, self.cert, self.key,
                                             domains=tuple(domains or ("static:all",)), extra=extra)

    def __repr__(self):
        return f"MXHost({self.name} {self.kind} {self.ip}:{self.port})"

    # --- DNS ---------------------------------------------------------------------------------

    def a_record(self, ttl: int = 300) -> str:
        return f"{self.name}. {ttl} IN A {self.ip}"

    def tlsa_record(self, usage: int = 3, selector: int = 1, mtype: int = 1, ttl: int = 300,
                    data: str | None = None) -> str:
        """_PORT._tcp.NAME TLSA for this host's certificate (3 1 1: the leaf's SPKI; 2 0 1: the
        test CA's certificate), or with `data` given, a record carrying exactly that data."""
        if data is None:
            assert mtype == 1 and (usage, selector) in ((3, 1), (3, 0), (2, 0)), "unsupported TLSA form"
            if usage == 3:
                data = spki_sha256(self.cert) if selector == 1 else cert_sha256(self.cert)
            else:
                data = cert_sha256(self.ca)
        return f"_{self.port}._tcp.{self.name}. {ttl} IN TLSA {usage} {selector} {mtype} {data}"

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        self.postfix.start()
        return self

    def stop(self):
        self.postfix.stop()

    def cleanup(self):
        self.postfix.cleanup()
        shutil.rmtree(self.certdir, ignore_errors=True)

    # --- the oracle --------------------------------------------------------------------------

    def log(self) -> str:
        return self.postfix.log()

    def connections(self) -> int:
        return len(CONNECT_LOG.findall(self.log()))

    def mail_from_pids(self, sender: str) -> list:
        return [m["pid"] for m in MAIL_FROM_LOG.finditer(self.log()) if m["sender"].lower() == sender.lower()]

    def saw_sender(self, sender: str) -> bool:
        """Did this host accept a MAIL FROM:<sender> (i.e. did a transaction start)?"""
        return bool(self.mail_from_pids(sender))

    def tls_for_sender(self, sender: str):
        """The TLS of the session in which MAIL FROM:<sender> arrived: a dict (trust, version,
        cipher, bits) or None when that session was plaintext. Sessions are told apart by the
        smtpd PID; the last TLS line of that PID before the MAIL FROM line counts."""
        text = self.log()
        mail = next((m for m in MAIL_FROM_LOG.finditer(text) if m["sender"].lower() == sender.lower()), None)
        assert mail, f"{self} never saw MAIL FROM:<{sender}>"
        tls, connect = None, -1
        for m in CONNECT_LOG.finditer(text, 0, mail.start()):
            if m["pid"] == mail["pid"]:
                connect = m.start()
        for m in TLS_FROM_LOG.finditer(text, max(connect, 0), mail.start()):
            if m["pid"] == mail["pid"]:
                tls = m.groupdict()
        return tls

    def mailbox_files(self) -> list:
        return self.postfix.delivered_files()

    def mailbox_has(self, marker: str) -> bool:
        """Does any stored message (new/ or tmp/) contain `marker`?"""
        d = self.postfix.maildir
        for sub in ("new", "tmp", "cur"):
            p = os.path.join(d, sub)
            for name in (os.listdir(p) if os.path.isdir(p) else []):
                if marker.encode() in open(os.path.join(p, name), "rb").read():
                    return True
        return False

    def wait_marker(self, marker: str, timeout: float = 30) -> bytes:
        def find():
            for p in self.mailbox_files():
                data = open(p, "rb").read()
                if marker.encode() in data:
                    return data
            return None
        return procs.wait_until(find, timeout, f"a message with {marker} in {self}'s mailbox\n"
                                f"--- maillog:\n{self.log()[-3000:]}")

    def assert_untouched(self, sender: str, marker: str):
        """No byte of the message reached this host: no MAIL FROM:<sender> in its log and no
        message with `marker` in its mailbox."""
        assert not self.saw_sender(sender), \
            f"{self} accepted MAIL FROM:<{sender}> — a transaction reached a host below the required level\n" \
            f"--- maillog:\n{self.log()[-3000:]}"
        assert not self.mailbox_has(marker), f"{self}'s mailbox holds the message {marker}"


def start_all(hosts) -> list:
    """Start every MXHost; on a failure stop those already started, then re-raise."""
    started = []
    try:
        for h in hosts:
            started.append(h.start())
    except BaseException:
        stop_all(started)
        raise
    return started


def stop_all(hosts):
    for h in hosts:
        print(f"--- {h} maillog, last 2000 chars:\n{h.log()[-2000:]}")
        try:
            h.stop()
        finally:
            h.cleanup()


# --- a whole destination world: MX hosts, zones, the senders' DSN sink, one resolver ---------

SENDER_DOMAIN = "senders.test"


class MXWorld:
    """MX hosts + DNS zones (harness.dnsfixture) + an smtp-sink that is the MX of senders.test
    (DSNs to our senders land there), started and stopped together. Add hosts and zones, then
    start(); `resolver` is then "127.0.0.N:53" and `resolv_conf` a file naming it."""

    def __init__(self, certs: str, workdir: str):
        self.certs, self.dir = certs, workdir
        self.hosts, self.zones, self.services = {}, {}, []
        self.dns = self.resolver = self.resolv_conf = None
        from .sinks import SmtpSink
        sinkdir = os.path.join(workdir, "dsn-sink")
        os.makedirs(sinkdir, exist_ok=True)
        self.dsn_sink = SmtpSink(net.next_ip(), 25, sinkdir)
        self.zone(SENDER_DOMAIN, "signed", ["@ MX 10 mx", f"mx A {self.dsn_sink.ip}"])

    def host(self, name: str, kind: str) -> MXHost:
        h = MXHost(name, kind, self.certs, self.dir)
        self.hosts[name] = h
        return h

    def zone(self, name: str, dnssec: str, records: list):
        self.zones[name] = {"name": name, "dnssec": dnssec, "records": list(records)}

    def add_service(self, start, stop):
        """Something else to start with the world (an HTTPS server, a second Sealgate)."""
        self.services.append((start, stop))

    def start(self):
        from .dnsfixture import DNSFixture
        try:
            start_all(self.hosts.values())
            self.dsn_sink.start()
            for start, _ in self.services:
                start()
            self.dns = DNSFixture(os.path.join(self.dir, "dns"), {"zones": list(self.zones.values())})
            self.resolver = self.dns.start()
            self.resolv_conf = self.dns.info()["resolv_conf"]
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.dns:
            self.dns.stop()
        for _, stop in reversed(self.services):
            try:
                stop()
            except Exception as e:
                print(f"stopping a service failed: {e}")
        self.dsn_sink.stop()
        stop_all([h for h in self.hosts.values() if h.postfix.master_pid()])
        for h in self.hosts.values():
            h.cleanup()

    def dsns_for(self, sender: str) -> list:
        """Messages from <> to `sender` that reached the senders' MX so far."""
        return [m for m in self.dsn_sink.messages() if m.mail_from == "" and sender in m.rcpts]

    def wait_dsn(self, sender: str, timeout: float = 30):
        return procs.wait_until(lambda: self.dsns_for(sender), timeout,
                                f"a DSN (MAIL FROM:<>) to {sender} at the {SENDER_DOMAIN} MX")[0]


# --- the sending side: a Sealgate that delivers to MX hosts ---------------------------------

def mx_delivery_overrides(world: MXWorld, levels: dict | None = None, default: str = "may",
                          extra: dict | None = None) -> dict:
    """Config overrides for a Sealgate with no smarthost (MX delivery on port 25), the world's
    validating resolver trusted for the AD bit, the test CA as an extra root, and per-domain
    TLS levels."""
    from .sealgate import merge
    o = {
        "dns": {"resolver": world.resolver, "dnssec": "trust-ad"},
        "delivery": {"smarthost": None, "port": 25,
                     "tls": {"default": default, "domains": dict(levels or {})},
                     "ca_file": os.path.join(world.certs, "ca.pem"),
                     "observations": "var/tls-observations"},
    }
    return merge(o, extra or {})


def unique_sender(tag: str) -> str:
    """A sender address unique to one test, so each receiver's log tells whether *this* test's
    MAIL FROM reached it."""
    import uuid
    return f"{tag}-{uuid.uuid4().hex[:12]}@{SENDER_DOMAIN}"


def submit(gw, sender: str, rcpt: str, message: bytes, mail_params: str = "", starttls_ca=None) -> str:
    """Relays one message into `gw` (STARTTLS first when starttls_ca is given); returns its
    queue id."""
    from .smtp import RawSMTP, client_context, queue_id
    with RawSMTP(*gw.addr("relay")) as c:
        assert c.ehlo().code == 250
        if starttls_ca:
            r = c.starttls(client_context(starttls_ca))
            assert r.code == 220, f"STARTTLS refused: {r}"
            ehlo = c.ehlo()
            assert ehlo.code == 250, str(ehlo)
        r = c.send_mail(sender, [rcpt], message, mail_params)
        assert r.code == 250, f"sealgate did not accept the message: {r}"
        return queue_id(f"{r.code} {r.text}")


FINAL = ("delivered", "deferred", "bounced")


def wait_outcome(gw, qid: str, timeout: float = 45) -> tuple[str, list]:
    """Waits for the first delivered/deferred/bounced audit record of qid; returns (event,
    all records so far)."""
    def first():
        recs = gw.audit(qid)
        done = [r for r in recs if r.get("event") in FINAL]
        return (done[0]["event"], recs) if done else None
    try:
        return procs.wait_until(first, timeout, f"delivered/deferred/bounced in the audit of {qid}", 0.3)
    except procs.Timeout as e:
        raise AssertionError(f"{e}\naudit so far: {gw.audit(qid)}\nqueue: {gw.queue_entry(qid)}\n"
                             f"sealgate log:\n{gw.log()[-3000:]}") from None


def attempt_with_tls(records: list, event: str | None = None) -> dict:
    """The last attempt record (of `event`, or any) that carries TLS facts."""
    recs = [r for r in records if r.get("tls") and (event is None or r.get("event") == event)]
    assert recs, f"no audit record{' ' + event if event else ''} carries TLS facts: {records}"
    return recs[-1]


def reasons(gw, qid: str, records: list) -> str:
    """Everything Sealgate said about why: audit reason/reply fields and the queue's last_reply."""
    parts = [str(r.get(k) or "") for r in records for k in ("status", "reason", "reply")]
    e = gw.queue_entry(qid) or {}
    parts += [str(rc.get("last_reply") or "") for rc in e.get("recipients", []) or []]
    parts.append(str(e.get("last_reply") or ""))
    return "\n".join(p for p in parts if p)
