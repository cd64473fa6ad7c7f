# The method ladder end to end, over real Postfix MX hosts: one PHI message to five recipients
# leaves five ways (S/MIME, PGP/MIME, verified TLS, the portal test double, deferred then bounced);
# openssl, gpg and sq decrypt what was encrypted, and the SSN reaches no mailbox but the verified-TLS
# one, no log, DSN or audit output. Through a plaintext smarthost only encrypted copies leave.
import dataclasses
import datetime
import email
import email.policy
import hashlib
import json
import os
import re
import time
import uuid

import pytest

from harness import procs
from harness.decrypt import cms_structure, gpg_decrypt, pgp_mime_parts, smime_decrypt, sq_decrypt
from harness.keymaterial import gnupg_home, gpg_public_key, smime_certificate
from harness.ladder import (as_sent_by_sealgate, deciding, files_containing, mailbox, method_records,
                            queue_show_methods, skips, ssn_in, wait_decided)
from harness.mail import split_first_header
from harness.mxhosts import MXWorld, mx_delivery_overrides, unique_sender
from harness.policyfiles import (accepted_record, install_shipped, send_ok, ssn_forms, synthetic_ssn,
                                 text_message, write_policy)
from harness.sealgate import Sealgate

pytestmark = pytest.mark.slow

SMIME, PGP, TLS, PORTAL, NOPORTAL = ("ann@smime.test", "pat@pgp.test", "tia@tls.test", "pia@portal.test",
                                     "nell@noportal.test")
# Each recipient's domain has its own MX (so each mailbox holds one recipient's copy): (name, kind).
MX = {SMIME: ("mx.smime.test", "plain"), PGP: ("mx.pgp.test", "plain"), TLS: ("mx.tls.test", "ca"),
      PORTAL: ("mx.portal.test", "plain"), NOPORTAL: ("mx.noportal.test", "plain")}
# delivery.max_lifetime: NOPORTAL's deferral turns into a bounce at the first attempt after this.
LIFETIME = 20
NEUTRAL_SUBJECT = "[encrypted message]"
BODY_PHRASE = "The results of the biopsy are in."
NO_PORTAL_POLICY = """
    # Written by test_method_ladder: noportal.test takes verified TLS or nothing (no portal, no keys).
    rules:
      - name: noportal-tls-only
        when:
          recipient_domain: noportal.test
        deliver:
          tls: verify
          min_tls: "1.2"
          methods: [tls]
          otherwise: defer
    """
NO_CERT, NO_PGP = ("smime", "no-key"), ("pgp", "no-key")


# --- the message and what must come back out of the encryption ----------------------------------

@dataclasses.dataclass
class PHIMail:
    data: bytes
    ssn: str
    subject: str
    subject_secret: str  # in the Subject only: it may leave in no DSN, log or encrypted copy's outside
    mid: str              # the Message-ID stays outside, so it finds each copy in a mailbox

    @property
    def body(self) -> bytes:
        return self.data.split(b"\r\n\r\n", 1)[1]


def phi_mail(sender: str, rcpts: list) -> PHIMail:
    """A text/plain message with an SSN in the body and a PHI word (HIV) in the Subject."""
    ssn, _ = synthetic_ssn()
    secret = uuid.uuid4().hex
    subject = f"HIV test results for the patient S{secret}"
    data = text_message(sender, rcpts, subject, f"Hello,\n\n{BODY_PHRASE} Patient SSN: {ssn}\n\nRegards\n")
    mid = re.search(rb"^Message-ID: <([^>]+)>", data, re.M).group(1).decode()
    return PHIMail(data, ssn, subject, secret, mid)


def check_outer(stored: bytes, sent: PHIMail, what: str):
    """An encrypted copy as it arrived: the neutral Subject outside, no SSN, no Subject text."""
    outer = email.message_from_bytes(stored, policy=email.policy.default)
    assert outer["Subject"] == NEUTRAL_SUBJECT, f"{what}: outer Subject {outer['Subject']!r}, header protection is on"
    assert outer["Message-ID"] == f"<{sent.mid}>", f"{what}: the Message-ID stays outside: {outer['Message-ID']!r}"
    assert not ssn_in(stored, sent.ssn), f"{what}: the SSN is readable in the encrypted copy"
    assert sent.subject_secret.encode() not in stored, f"{what}: the real Subject is readable outside"
    return outer


def check_inner(inner: bytes, sent: PHIMail, what: str):
    """The decrypted entity is the original: the body byte for byte (CRLF), and the real headers
    inside (RFC 9788 header protection: Subject, Message-ID, Content-Type with hp="cipher")."""
    head, sep, body = inner.partition(b"\r\n\r\n")
    assert sep, f"{what}: the decrypted entity has no CRLF header/body separator: {inner[:400]!r}"
    assert body == sent.body, f"{what}: the decrypted body differs\nsent: {sent.body!r}\ngot:  {body!r}"
    m = email.message_from_bytes(inner, policy=email.policy.default)
    assert m["Subject"] == sent.subject, f"{what}: the inner Subject is {m['Subject']!r}, not the real one"
    assert m["Message-ID"] == f"<{sent.mid}>", f"{what}: inner Message-ID {m['Message-ID']!r}"
    assert m.get_content_type() == "text/plain" and m.get_param("hp") == "cipher", \
        f"{what}: inner Content-Type {m['Content-Type']!r} (expected text/plain; hp=\"cipher\")"


def encryption(method: str, key_id: str, cipher: str) -> dict:
    return {"method": method, "key_id": key_id, "cipher": cipher, "signed_by": None}


def no_starttls(method: dict, host: str) -> str:
    """The tls rung's skip reason, checked to name the MX host; returned for the exact lines."""
    [reason] = [s["reason"] for s in method["skipped"] if s["method"] == "tls"]
    assert re.fullmatch(rf"tls: {re.escape(host)}\.? offered no STARTTLS", reason), reason
    return reason


def _epoch(iso: str) -> float:
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


# --- one daemon, one message, five ways out -----------------------------------------------------

@dataclasses.dataclass
class Ladder:
    gw: Sealgate
    world: MXWorld
    qid: str
    sender: str
    sent: PHIMail
    record_path: str
    smime: dict          # cert, key, key_id
    pgp: dict            # home, fingerprint, key_id
    decided: list        # the audit once every recipient had its first outcome
    queue_show: str      # `queue show` (text) then, NOPORTAL still deferred
    queue_entry: dict    # `queue list --json`'s entry then
    queued_disk_hits: list  # gateway files holding the SSN or the Subject then
    stored: dict         # recipient -> the copy in its mailbox
    records: list = None
    dsn: object = None
    bounce_problem: str = ""

    def host(self, rcpt):
        return self.world.hosts[MX[rcpt][0]]


@pytest.fixture(scope="module")
def ladder(certs, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("ladder"))
    world = MXWorld(certs, os.path.join(base, "world"))
    for rcpt, (name, kind) in MX.items():
        h = world.host(name, kind)
        world.zone(rcpt.split("@")[1], "signed", [f"@ MX 10 {name}.", h.a_record()])
    world.start()
    gw = None
    try:
        keys = os.path.join(base, "keys")
        os.makedirs(keys)
        cert, fp = smime_certificate(keys, "ann", SMIME)
        asc, fpr, keyid = gpg_public_key(keys, "pat", PGP)
        record_path = os.path.join(base, "portal-handoffs.jsonl")
        gwdir = os.path.join(base, "gw")
        os.makedirs(gwdir)
        overrides = mx_delivery_overrides(world, extra={"delivery": {"retry": ["10m"], "retry_after": "1h",
                                                                     "max_lifetime": f"{LIFETIME}s"}})
        gw = Sealgate(gwdir, certs, None, overrides, env={"SEALGATE_TEST_PORTAL_RECORD": record_path})
        install_shipped(gw)
        write_policy(gw, "05-noportal.yaml", NO_PORTAL_POLICY)
        gw.cli_ok("keys", "import", cert)
        gw.cli_ok("keys", "import", asc)
        gw.start()

        sender = unique_sender("ladder")
        sent = phi_mail(sender, list(MX))
        qid = send_ok(gw, sender, list(MX), sent.data)
        decided = wait_decided(gw, qid, list(MX))
        # Postfix stores into the Maildir after its 250: wait for every copy Sealgate sent to an MX.
        stored = {r: world.hosts[MX[r][0]].wait_marker(sent.mid) for r in (SMIME, PGP, TLS)
                  if deciding(decided, r)["event"] == "delivered" and deciding(decided, r)["relay_ip"]}
        secrets = ssn_forms(sent.ssn) + [sent.subject_secret.encode()]
        ladder = Ladder(gw, world, qid, sender, sent, record_path,
                        {"cert": cert, "key": os.path.join(keys, "ann.key"), "key_id": f"sha256:{fp[:16]}"},
                        {"home": gnupg_home(keys, "pat"), "fingerprint": fpr, "key_id": f"0x{keyid}"},
                        decided, gw.cli_ok("queue", "show", qid), gw.queue_entry(qid),
                        files_containing(gw.dir, secrets), stored)

        # NOPORTAL bounces at the first attempt once the queue lifetime has passed: wait for that
        # moment, then make it due (its next retry is 10 minutes away).
        if deciding(decided, NOPORTAL)["event"] == "deferred":
            expires = _epoch(accepted_record(gw, qid)["time"]) + LIFETIME + 2
            time.sleep(max(0.0, expires - time.time()))
            gw.cli_ok("queue", "flush")
            try:
                procs.wait_until(lambda: method_records(gw.audit(qid), NOPORTAL, ("bounced",)), 30,
                                 f"the bounce of {NOPORTAL} after the queue lifetime", 0.3)
                ladder.dsn = world.wait_dsn(sender, 30)
            except procs.Timeout as e:
                ladder.bounce_problem = f"{e}\nqueue: {gw.queue_entry(qid)}\nlog:\n{gw.log()[-3000:]}"
        ladder.records = gw.audit(qid)
        yield ladder
    finally:
        if gw is not None:
            try:
                gw.stop()
            except Exception as e:
                print(f"stopping sealgate failed: {e}")
                gw.kill9()
            print(f"--- sealgate log, last 4000 chars:\n{gw.log()[-4000:]}")
        world.stop()


def test_smime_recipient_gets_enveloped_data_that_openssl_decrypts(ladder):
    rec = deciding(ladder.records, SMIME)
    assert rec["event"] == "delivered", rec
    assert rec["method"] == {"method": "smime", "otherwise": None, "skipped": [],
                             "encryption": encryption("smime", ladder.smime["key_id"], "aes-256-cbc")}, rec["method"]
    host = ladder.host(SMIME)
    # Encrypted, it goes at the destination's configured level (may): plaintext SMTP to this MX.
    assert rec["relay_ip"] == host.ip and rec["tls"] is None, rec
    assert host.tls_for_sender(ladder.sender) is None
    [stored] = mailbox(host)
    outer = check_outer(stored, ladder.sent, "the S/MIME copy")
    assert outer.get_content_type() == "application/pkcs7-mime", outer["Content-Type"]
    assert outer.get_param("smime-type") == "enveloped-data", outer["Content-Type"]
    structure = cms_structure(stored)
    assert "contentType: pkcs7-envelopedData" in structure and "algorithm: aes-256-cbc" in structure, structure
    check_inner(smime_decrypt(stored, ladder.smime["key"], ladder.smime["cert"]), ladder.sent, "openssl cms -decrypt")


def test_pgp_recipient_gets_pgp_mime_that_gpg_and_sq_decrypt(ladder):
    rec = deciding(ladder.records, PGP)
    assert rec["event"] == "delivered", rec
    m = rec["method"]
    assert m == {"method": "pgp", "otherwise": None,
                 "skipped": [{"method": "smime", "code": "no-key", "reason": "smime: no certificate on file"}],
                 "encryption": encryption("pgp", ladder.pgp["key_id"], "aes-256")}, m
    host = ladder.host(PGP)
    assert rec["relay_ip"] == host.ip and rec["tls"] is None, rec
    [stored] = mailbox(host)
    check_outer(stored, ladder.sent, "the PGP/MIME copy")
    _, control, armored = pgp_mime_parts(stored)
    assert control.strip() == "Version: 1", control
    inner = gpg_decrypt(ladder.pgp["home"], armored)
    check_inner(inner, ladder.sent, "gpg --decrypt")
    assert sq_decrypt(ladder.pgp["home"], ladder.pgp["fingerprint"], armored) == inner, \
        "sq decrypt gave other bytes than gpg --decrypt"


def test_tls_recipient_gets_the_plaintext_over_verified_tls(ladder):
    rec = deciding(ladder.records, TLS)
    assert rec["event"] == "delivered", rec
    assert rec["method"] == {"method": "tls", "otherwise": None, "encryption": None,
                             "skipped": [{"method": "smime", "code": "no-key", "reason": "smime: no certificate on file"},
                                         {"method": "pgp", "code": "no-key", "reason": "pgp: no key on file"}]}, rec["method"]
    host = ladder.host(TLS)
    assert rec["relay_ip"] == host.ip, rec
    tls = rec["tls"]
    assert tls and tls.get("verify") == "OK" and tls.get("trust") == "pkix", f"the PHI rule needs verified TLS: {tls}"
    seen = host.tls_for_sender(ladder.sender)
    assert seen and seen["version"] == tls.get("version") and seen["cipher"] == tls.get("cipher"), \
        f"the MX logged {seen}, the audit says {tls}"
    [stored] = mailbox(host)
    received, rest = split_first_header(as_sent_by_sealgate(stored, Sealgate.HOSTNAME))
    assert rest == ladder.sent.data, "the TLS copy is the message as sent, unencrypted and unchanged"


def test_portal_recipient_is_handed_to_the_portal_and_nothing_reaches_its_mx(ladder):
    rec = deciding(ladder.records, PORTAL)
    assert rec["event"] == "delivered" and rec["relay_host"] == "portal", rec
    m = rec["method"]
    assert m["method"] == "portal" and m["otherwise"] is None and m["encryption"] is None, m
    assert skips(m) == [NO_CERT, NO_PGP, ("tls", "no-starttls")], m
    no_starttls(m, MX[PORTAL][0])

    with open(ladder.record_path) as f:
        lines = f.read().splitlines()
    assert len(lines) == 1, f"one hand-off expected (only {PORTAL} goes to the portal): {lines}"
    handoff = json.loads(lines[0])
    # The portal gets the message as queued, which is also exactly what the TLS recipient got.
    queued = as_sent_by_sealgate(ladder.stored[TLS], Sealgate.HOSTNAME)
    assert handoff == {"queue_id": ladder.qid, "recipient": PORTAL, "size": len(queued),
                       "sha256": hashlib.sha256(queued).hexdigest()}, handoff

    host = ladder.host(PORTAL)
    assert host.connections() >= 1, "the tls rung is decided by connecting to the MX first"
    host.assert_untouched(ladder.sender, ladder.sent.mid)
    assert mailbox(host) == []


def test_recipient_whose_policy_forbids_the_portal_is_deferred_then_bounced_without_phi(ladder):
    accepted = accepted_record(ladder.gw, ladder.qid)
    # The accepted record lists one decision per recipient, in the envelope's order.
    pol = accepted["policy"][[r.strip("<>") for r in accepted["recipients"]].index(NOPORTAL)]
    assert "05-noportal" in str(pol.get("rule")) and pol.get("methods") == ["tls"] and pol.get("otherwise") == "defer", pol
    first = method_records(ladder.decided, NOPORTAL)[0]
    assert first["event"] == "deferred" and str(first["status"]).startswith("4."), first
    m = first["method"]
    assert m["method"] == "none" and m["otherwise"] == "defer" and m["encryption"] is None, m
    assert skips(m) == [("tls", "no-starttls")], m
    reason = no_starttls(m, MX[NOPORTAL][0])
    line = f"method=none; outcome=deferred (otherwise: defer); skipped: {reason}"
    assert queue_show_methods(ladder.queue_show).get(NOPORTAL) == ("deferred", line), ladder.queue_show
    listed = [r for r in ladder.queue_entry["recipients"] if r["address"].strip("<>") == NOPORTAL]
    assert listed and listed[0]["status"] == "deferred" and listed[0]["method"] == line, ladder.queue_entry

    assert not ladder.bounce_problem, ladder.bounce_problem
    bounced = deciding(ladder.records, NOPORTAL, ("bounced",))
    assert bounced["method"]["method"] == "none" and bounced["method"]["otherwise"] == "defer", bounced
    # Expired, it keeps the last deferral's status (as Postfix's expiry bounces do): 4.7.4 here.
    assert "expired" in str(bounced["reason"]) and bounced["status"] == first["status"], bounced
    assert ladder.gw.queue_entry(ladder.qid) is None, "every recipient is final: the message leaves the queue"
    ladder.host(NOPORTAL).assert_untouched(ladder.sender, ladder.sent.mid)

    raw = ladder.dsn.data
    assert not ssn_in(raw, ladder.sent.ssn), "the DSN holds the SSN"
    assert ladder.sent.subject_secret.encode() not in raw, "the DSN holds the Subject"
    assert BODY_PHRASE.encode() not in raw, "the DSN holds the body"
    dsn = email.message_from_bytes(raw, policy=email.policy.default)
    assert dsn.get_content_type() == "multipart/report" and dsn.get_param("report-type") == "delivery-status"
    status = next(p for p in dsn.walk() if p.get_content_type() == "message/delivery-status")
    blocks = [b for b in status.get_payload() if b.get("Final-Recipient")]
    assert len(blocks) == 1 and NOPORTAL in blocks[0]["Final-Recipient"], str(status)
    assert blocks[0]["Action"].strip().lower() == "failed" and blocks[0]["Status"].strip() == bounced["status"], \
        str(status)


def test_queue_show_names_each_recipients_method(ladder):
    """While NOPORTAL is deferred, `queue show` has the ladder's line under every recipient, and
    `queue list --json` the same in `method`."""
    by = {r: deciding(ladder.decided, r)["method"] for r in MX}
    no_cert_no_pgp = "smime: no certificate on file; pgp: no key on file"
    expected = {
        SMIME: ("delivered", f"method=smime; smime key {ladder.smime['key_id']} aes-256-cbc"),
        PGP: ("delivered", f"method=pgp; skipped: smime: no certificate on file; pgp key {ladder.pgp['key_id']} aes-256"),
        TLS: ("delivered", f"method=tls; skipped: {no_cert_no_pgp}"),
        PORTAL: ("delivered", f"method=portal; skipped: {no_cert_no_pgp}; {no_starttls(by[PORTAL], MX[PORTAL][0])}"),
        NOPORTAL: ("deferred", "method=none; outcome=deferred (otherwise: defer); skipped: "
                               + no_starttls(by[NOPORTAL], MX[NOPORTAL][0])),
    }
    assert queue_show_methods(ladder.queue_show) == expected, ladder.queue_show
    listed = {r["address"].strip("<>"): (r["status"], r["method"]) for r in ladder.queue_entry["recipients"]}
    assert listed == expected, ladder.queue_entry


def test_log_lines_name_the_method(ladder):
    log = ladder.gw.log()
    for rcpt, method, word in ((SMIME, "smime", "sent"), (PGP, "pgp", "sent"), (TLS, "tls", "sent"),
                               (PORTAL, "portal", "sent"), (NOPORTAL, "none", "deferred"), (NOPORTAL, "none", "bounced")):
        rx = rf"{ladder.qid}: to=<{re.escape(rcpt)}>, [^\n]*\bmethod={method}, dsn=[^\n]*\bstatus={word} "
        assert re.search(rx, log), f"no log line /{rx}/ in:\n{log[-4000:]}"


def test_ssn_and_subject_leave_only_over_verified_tls(ladder):
    ssn, subject = ladder.sent.ssn, ladder.sent.subject_secret.encode()
    # The one plaintext copy holds both, so these searches do find them where they are.
    assert ssn_in(ladder.stored[TLS], ssn) and subject in ladder.stored[TLS]
    for rcpt in (SMIME, PGP, PORTAL, NOPORTAL):
        for data in mailbox(ladder.host(rcpt)):
            assert not ssn_in(data, ssn) and subject not in data, f"{rcpt}'s mailbox holds the SSN or Subject"
    for h in ladder.world.hosts.values():
        assert not ssn_in(h.log().encode(), ssn), f"{h}'s maillog holds the SSN"
    for m in ladder.world.dsn_sink.messages():
        assert not ssn_in(m.data, ssn) and subject not in m.data, f"a message to the sender holds PHI: {m.path}"
    with open(ladder.record_path, "rb") as f:
        assert not ssn_in(f.read(), ssn), "the portal hand-off record holds the SSN"

    secrets = ssn_forms(ssn) + [subject]
    assert ladder.queued_disk_hits == [], f"gateway files held the SSN or Subject while queued: {ladder.queued_disk_hits}"
    assert files_containing(ladder.gw.dir, secrets) == [], "gateway files (log, audit, spool) hold the SSN or Subject"
    for args in (("audit", "query", "--queue-id", ladder.qid, "--json"), ("audit", "query", "--queue-id", ladder.qid)):
        out = ladder.gw.cli_ok(*args).encode()
        assert not ssn_in(out, ssn) and subject not in out, f"sealgate {' '.join(args)} prints the SSN or Subject"
    assert not ssn_in(ladder.queue_show.encode(), ssn), "queue show (no --body) prints the SSN"


# --- a plaintext smarthost ----------------------------------------------------------------------

CBC, GCM, NOKEY = "cbc@example.net", "gcm@example.net", "nokey@example.net"


def test_plaintext_smarthost_gets_only_encrypted_copies(sealgate_factory, sink_factory, tmp_path):
    """A recipient with a certificate gets its copy encrypted (CBC by default, GCM when imported
    with --cipher aes-256-gcm); one without a key is not sent at all (no TLS, no portal)."""
    sink = sink_factory()
    g = sealgate_factory(sink.smarthost, {"delivery": {"retry": ["10m"], "retry_after": "1h"}}, start=False)
    install_shipped(g)
    keys = str(tmp_path / "keys")
    os.makedirs(keys)
    certs = {CBC: smime_certificate(keys, "cbc", CBC, key_usage="keyEncipherment", key_type="rsa"),
             GCM: smime_certificate(keys, "gcm", GCM)}
    g.cli_ok("keys", "import", certs[CBC][0])
    g.cli_ok("keys", "import", certs[GCM][0], "--cipher", "aes-256-gcm")
    g.start()
    sent = phi_mail("sender@example.org", [CBC, GCM, NOKEY])
    qid = send_ok(g, "sender@example.org", [CBC, GCM, NOKEY], sent.data)
    records = wait_decided(g, qid, [CBC, GCM, NOKEY])

    nokey = deciding(records, NOKEY)
    assert nokey["event"] == "deferred", f"{NOKEY} has no key, the smarthost no TLS and there is no portal: {nokey}"
    m = nokey["method"]
    assert m["method"] == "none" and m["otherwise"] == "portal" and m["encryption"] is None, m
    assert skips(m) == [NO_CERT, NO_PGP, ("tls", "no-starttls"), ("portal", "portal-not-configured")], m
    assert m["skipped"][-1]["reason"] == "portal: not configured", m
    status, line = queue_show_methods(g.cli_ok("queue", "show", qid))[NOKEY]
    assert status == "deferred" and line.startswith("method=none; outcome=deferred (otherwise: portal); skipped: ") \
        and line.endswith("; portal: not configured"), line

    got = sink.wait_for(2)
    assert sink.count() == 2, f"only the two encrypted copies may reach the smarthost: {[x.rcpts for x in got]}"
    by = {tuple(x.rcpts): x for x in got}
    assert sorted(by) == [(CBC,), (GCM,)], f"each encrypted copy is its own transaction, none for {NOKEY}: {list(by)}"
    cases = ((CBC, "aes-256-cbc", "enveloped-data", "pkcs7-envelopedData", "cbc"),
             (GCM, "aes-256-gcm", "authEnveloped-data", "id-smime-ct-authEnvelopedData", "gcm"))
    for rcpt, cipher, smime_type, cms_type, name in cases:
        rec = deciding(records, rcpt)
        assert rec["event"] == "delivered", rec
        assert rec["method"]["method"] == "smime" and rec["method"]["encryption"] == \
            encryption("smime", f"sha256:{certs[rcpt][1][:16]}", cipher), rec["method"]
        data = by[(rcpt,)].data
        outer = check_outer(data, sent, f"{rcpt}'s copy")
        assert outer.get_content_type() == "application/pkcs7-mime" and outer.get_param("smime-type") == smime_type, \
            outer["Content-Type"]
        structure = cms_structure(data)
        assert f"contentType: {cms_type}" in structure and f"algorithm: {cipher}" in structure, structure
        check_inner(smime_decrypt(data, os.path.join(keys, f"{name}.key"), certs[rcpt][0]), sent,
                    f"openssl cms -decrypt of {rcpt}'s copy")
