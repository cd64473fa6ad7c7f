# The attack battery (issue 13 item 5): open-relay tricks from outside the trusted networks,
# SMTP smuggling variants, header injection through EHLO names and envelope addresses. Each
# attack is counted (conftest prints `attacks: tried=N refused=N`), and after each group a good
# message from a trusted client still arrives intact and nothing smuggled reached the smarthost.
import pytest

from harness import net
from harness.mail import check_relayed, make_message
from harness.smtp import RawSMTP, queue_id

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
TRUSTED = "127.0.0.1"

# The classic relay tricks: every one must get 554 5.7.1 (or a 5xx at MAIL) from an untrusted,
# unauthenticated client, whatever the address claims to be.
RELAY_TRICKS = [
    ("plain", SENDER, RCPT, ""),
    ("percent hack", SENDER, "user%victim.example@example.net", ""),
    ("source route", SENDER, "@relay.example:user@victim.example", ""),
    ("quoted local part", SENDER, '"user@victim.example"@example.net', ""),
    ("bang path", SENDER, "victim.example!user@example.net", ""),
    ("address literal", SENDER, "user@[127.0.0.99]", ""),
    ("the gateway's own name", SENDER, "user@gw.example.test", ""),
    ("IDN look-alike", SENDER, "user@ex\u0430mple.net", " SMTPUTF8"),   # Cyrillic a
    ("spoofed local sender", "ceo@gw.example.test", RCPT, ""),
    ("null sender", "", RCPT, ""),
]


@pytest.fixture
def gw(sealgate_factory, smtp_sink):
    return sealgate_factory(smtp_sink.smarthost, {"relay": {"trusted_networks": [f"{TRUSTED}/32"]}})


def good_message_arrives(g, sink, expect_total: int):
    msg, _ = make_message("good one")
    with RawSMTP(*g.addr("relay"), source_ip=TRUSTED) as c:
        assert c.ehlo().code == 250
        r = c.send_mail(SENDER, [RCPT], msg)
    assert r.code == 250, f"a good message from the trusted network was refused: {r}"
    qid = queue_id(f"{r.code} {r.text}")
    got = sink.wait_for(expect_total)
    assert len(got) == expect_total, f"expected {expect_total} message(s) at the sink, got {len(got)}"
    mine = [m for m in got if qid.encode() in m.data]
    assert len(mine) == 1
    check_relayed(msg, mine[0], qid)


def test_open_relay_tricks_from_outside_are_all_refused(gw, smtp_sink, attack):
    untrusted = net.next_ip()
    outcomes = []
    for name, sender, rcpt, params in RELAY_TRICKS:
        msg, _ = make_message(f"relay trick {name}")
        with RawSMTP(*gw.addr("relay"), source_ip=untrusted) as c:
            c.ehlo()
            mail = c.cmd(f"MAIL FROM:<{sender}>{params}")
            r = c.cmd(f"RCPT TO:<{rcpt}>") if mail.code == 250 else mail
            refused = r.code >= 500 and (mail.code != 250 or r.enhanced in ("5.7.1", "5.1.3", "5.6.7", "5.1.1"))
            if r.code == 250:
                c.data(msg)
            outcomes.append((name, attack(refused), str(r)))
    wrong = [(n, why) for n, ok, why in outcomes if not ok]
    assert not wrong, f"open relay: {wrong}"
    good_message_arrives(gw, smtp_sink, 1)


def test_relaying_after_a_failed_auth_is_refused(gw, smtp_sink, attack):
    gw.user_add("alice", [SENDER], "pw-alice-123")
    with RawSMTP(*gw.addr("relay"), source_ip=net.next_ip()) as c:
        c.ehlo()
        c.cmd("AUTH PLAIN AGFsaWNlAHdyb25n")   # \0alice\0wrong (refused before TLS anyway)
        assert c.cmd(f"MAIL FROM:<{SENDER}>").code == 250
        r = c.cmd(f"RCPT TO:<{RCPT}>")
        assert attack(r.code == 554 and r.enhanced == "5.7.1"), f"relay after a failed AUTH: {r}"


SMUGGLING = [
    ("bare LF dot", b"\n.\n"),
    ("LF dot CRLF", b"\n.\r\n"),
    ("CRLF dot LF", b"\r\n.\n"),
    ("bare CR dot", b"\r.\r"),
    ("CR dot CRLF", b"\r.\r\n"),
]


@pytest.mark.parametrize("name,ending", SMUGGLING, ids=[n for n, _ in SMUGGLING])
def test_smtp_smuggling_variants_never_split_a_message(gw, smtp_sink, attack, name, ending):
    smuggle = (b"From: a@example.org\r\nSubject: smuggle\r\n\r\nhello" + ending +
               b"MAIL FROM:<evil@x.example>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
               b"Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n")
    accepted = []
    with RawSMTP(*gw.addr("relay"), source_ip=TRUSTED) as c:
        c.ehlo()
        assert c.cmd(f"MAIL FROM:<{SENDER}>").code == 250
        assert c.cmd(f"RCPT TO:<{RCPT}>").code == 250
        assert c.cmd("DATA").code == 354
        c.send(smuggle)
        while (r := c.reply_or_closed()) is not None:
            accepted.append(r.code == 250)
            if len(accepted) > 5:
                break
    # At most the one real message may be accepted: a second 250 is a smuggled transaction.
    assert attack(sum(accepted) <= 1), f"{name}: {sum(accepted)} messages accepted from one DATA"
    good_message_arrives(gw, smtp_sink, 1 + sum(accepted))
    for m in smtp_sink.messages():
        assert m.mail_from != "evil@x.example", f"{name}: the smuggled envelope reached the smarthost"
        assert not any(line.startswith(b"Subject: smuggled") for line in m.data.split(b"\n")[:40] if m.mail_from), \
            f"{name}: a smuggled header block reached the smarthost"


INJECTIONS = [
    ("EHLO with a bare CR", "EHLO client.example\rX-Injected: ehlo"),
    ("EHLO with a bare LF", "EHLO client.example\nX-Injected: ehlo"),
    ("EHLO with a NUL", "EHLO client\x00X-Injected: ehlo"),
    ("MAIL FROM with a bare CR", f"MAIL FROM:<{SENDER}>\rX-Injected: mail"),
    ("RCPT with a bare LF", f"RCPT TO:<{RCPT}>\nX-Injected: rcpt"),
]


def test_header_injection_through_ehlo_and_envelope_never_reaches_a_header(gw, smtp_sink, attack):
    sent = 0
    for name, line in INJECTIONS:
        msg, _ = make_message(f"inject {name}")
        with RawSMTP(*gw.addr("relay"), source_ip=TRUSTED) as c:
            c.send(line.encode() + b"\r\n")
            r = c.reply_or_closed()
            first_refused = r is None or r.code >= 500
            try:   # if the session goes on, a message after the attempt must carry no injected header
                if r is not None:
                    c.ehlo()
                    if c.send_mail(SENDER, [RCPT], msg).code == 250:
                        sent += 1
            except (ConnectionError, OSError, AssertionError):
                pass   # the gateway ended the session: nothing more can be injected there
        assert attack(first_refused), f"{name}: accepted ({r})"
    got = smtp_sink.wait_for(sent) if sent else []
    for m in got:
        headers = m.data.split(b"\n\n", 1)[0]
        assert b"X-Injected" not in headers, f"an injected header reached the smarthost:\n{headers[:800]!r}"
    good_message_arrives(gw, smtp_sink, sent + 1)


def test_auth_brute_force_locks_the_client_out_and_never_logs_a_password(sealgate_factory, smtp_sink, attack):
    import base64
    import os
    from harness.smtp import client_context
    g = sealgate_factory(smtp_sink.smarthost, {"limits": {"auth_failures": 5, "auth_lockout": "15m"}})
    g.user_add("alice", [SENDER], "pw-alice-right-123")
    ctx = client_context(os.path.join(g.certs, "ca.pem"))
    attacker = net.next_ip()

    def auth(source: str, password: str):
        token = base64.b64encode(f"\0alice\0{password}".encode()).decode()
        with RawSMTP(*g.addr("relay"), source_ip=source) as c:
            c.ehlo()
            assert c.starttls(ctx).code == 220
            c.ehlo()
            return c.cmd(f"AUTH PLAIN {token}")

    guesses = [f"guess-{n}-Zq" for n in range(5)]
    for guess in guesses:
        assert attack(auth(attacker, guess).code == 535)
    locked = auth(attacker, "pw-alice-right-123")
    assert attack(locked.code == 454 and locked.enhanced == "4.7.0"), f"the right password during a lockout: {locked}"
    other = auth(net.next_ip(), "pw-alice-right-123")
    assert other.code == 235, f"another client must still log in: {other}"
    log = g.log()
    assert "AUTH lockout" in log, log[-3000:]
    assert not any(p in log for p in guesses + ["pw-alice-right-123"]), "a password reached the log"
