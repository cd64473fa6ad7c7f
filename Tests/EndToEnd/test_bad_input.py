# Hostile and broken input: open relay, AUTH before TLS, STARTTLS command injection, bare-LF
# smuggling, oversized messages, sender spoofing by an authenticated user, mail loops. In each
# case nothing bad is queued, and a good message afterwards still arrives intact.
import os

from harness import net
from harness.mail import check_relayed, make_message
from harness.smtp import RawSMTP, client_context, queue_id

SENDER, RCPT = "sender@example.org", "rcpt@example.net"


def _ctx(g):
    return client_context(os.path.join(g.certs, "ca.pem"))


def _good_message_arrives(g, sink, conn=None, expect_total=1, sender=SENDER):
    """Sends a good message (on `conn` when given, else a new connection) and checks that it,
    and nothing else, reaches the smarthost: the barrier that proves nothing was smuggled."""
    msg, _ = make_message("good one")
    own = conn is None
    c = conn or RawSMTP(*g.addr("relay"))
    try:
        if own:
            assert c.ehlo().code == 250
        r = c.send_mail(sender, [RCPT], msg)
        assert r.code == 250, f"good message refused: {r}"
        qid = queue_id(f"{r.code} {r.text}")
    finally:
        if own:
            c.close()
    got = sink.wait_for(expect_total)
    assert len(got) == expect_total, f"expected {expect_total} message(s) at the sink, got {len(got)}"
    mine = [m for m in got if qid.encode() in m.data]
    assert len(mine) == 1
    check_relayed(msg, mine[0], qid)


def test_open_relay_from_untrusted_address_is_refused(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, {"relay": {"trusted_networks": ["127.0.0.1/32"]}})
    untrusted = net.next_ip()
    assert untrusted != "127.0.0.1"
    msg, _ = make_message("relay attempt")
    with RawSMTP(*g.addr("relay"), source_ip=untrusted) as c:
        assert c.ehlo().code == 250
        mail = c.cmd(f"MAIL FROM:<{SENDER}>")
        rcpt = c.cmd(f"RCPT TO:<{RCPT}>") if mail.code == 250 else mail
        assert rcpt.code == 554 and rcpt.enhanced == "5.7.1", f"open relay! RCPT got: {rcpt}"
        data = c.data(msg)
        assert data.code >= 500, f"DATA after a refused RCPT got {data}"
    # The trusted address still relays.
    with RawSMTP(*g.addr("relay"), source_ip="127.0.0.1") as c:
        assert c.ehlo().code == 250
        _good_message_arrives(g, smtp_sink, c)


def test_auth_is_not_offered_or_accepted_before_starttls(sealgate):
    sealgate.user_add("alice", [SENDER], "pw-alice-123")
    with RawSMTP(*sealgate.addr("relay")) as c:
        e = c.ehlo()
        assert "STARTTLS" in e.keywords
        assert "AUTH" not in e.keywords, f"AUTH advertised before TLS: {e}"
        r = c.cmd("AUTH PLAIN AGFsaWNlAHB3LWFsaWNlLTEyMw==")  # \0alice\0pw-alice-123
        assert 500 <= r.code < 600 and r.code != 235, f"AUTH before TLS got {r}"
        assert c.starttls(_ctx(sealgate)).code == 220
        e = c.ehlo()
        assert "AUTH" in e.keywords, f"AUTH not advertised after TLS: {e}"
        assert c.cmd("AUTH PLAIN AGFsaWNlAHB3LWFsaWNlLTEyMw==").code == 235


def test_submission_requires_auth_before_mail(sealgate):
    with RawSMTP(*sealgate.addr("submission")) as c:
        c.ehlo()
        assert c.starttls(_ctx(sealgate)).code == 220
        c.ehlo()
        r = c.cmd(f"MAIL FROM:<{SENDER}>")
        if r.code == 250:
            r = c.cmd(f"RCPT TO:<{RCPT}>")
        assert r.code == 530 or (500 <= r.code < 600 and r.enhanced.startswith("5.7.")), \
            f"unauthenticated relay on an auth: required listener got {r}"


def test_pipelined_starttls_injection_is_discarded(sealgate, smtp_sink):
    with RawSMTP(*sealgate.addr("relay")) as c:
        assert c.ehlo().code == 250
        c.send(b"STARTTLS\r\nMAIL FROM:<evil@x.example>\r\nRCPT TO:<victim@example.net>\r\n")
        r = c.reply()
        assert r.code == 220, f"STARTTLS got {r}"
        c.upgrade(_ctx(sealgate))
        e = c.ehlo()
        assert e.code == 250 and e.lines[0].startswith("gw.example.test"), \
            f"first reply after TLS is not the EHLO reply (injected commands were run?): {e}"
        r = c.cmd(f"RCPT TO:<{RCPT}>")
        assert r.code == 503, f"RCPT right after STARTTLS+EHLO must be 503 (no MAIL yet), got {r}"
        _good_message_arrives(sealgate, smtp_sink, c)
    assert all(m.mail_from != "evil@x.example" for m in smtp_sink.messages())


def test_ehlo_is_required_again_after_starttls(sealgate):
    with RawSMTP(*sealgate.addr("relay")) as c:
        c.ehlo()
        assert c.starttls(_ctx(sealgate)).code == 220
        r = c.cmd(f"MAIL FROM:<{SENDER}>")
        assert r.code == 503, f"MAIL without a new EHLO after STARTTLS got {r}"


def test_bare_lf_smuggling_is_refused_and_nothing_is_queued(sealgate, smtp_sink):
    smuggle = (b"From: a@example.org\r\nSubject: smuggle\r\n\r\nhello\n.\n"
               b"MAIL FROM:<evil@x.example>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
               b"Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n")
    with RawSMTP(*sealgate.addr("relay")) as c:
        c.ehlo()
        assert c.cmd(f"MAIL FROM:<{SENDER}>").code == 250
        assert c.cmd(f"RCPT TO:<{RCPT}>").code == 250
        assert c.cmd("DATA").code == 354
        c.send(smuggle)
        r = c.reply_or_closed()
        assert r is not None and r.code == 521 and r.enhanced == "5.5.2", \
            f"bare LF in DATA must get 521 5.5.2, got {r}"
        extra = c.reply_or_closed()
        assert extra is None or extra.code != 250, f"a smuggled message was accepted: {extra}"
    _good_message_arrives(sealgate, smtp_sink)
    assert all(b"smuggle" not in m.data for m in smtp_sink.messages())


def test_declared_size_too_big_is_refused_at_mail(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, {"limits": {"max_message_size": 20000}})
    with RawSMTP(*g.addr("relay")) as c:
        e = c.ehlo()
        assert any(l.upper() == "SIZE 20000" for l in e.lines[1:]), f"EHLO must advertise SIZE 20000: {e}"
        r = c.cmd(f"MAIL FROM:<{SENDER}> SIZE=20001")
        assert r.code == 552 and r.enhanced == "5.3.4", f"declared SIZE too big got {r}"
        _good_message_arrives(g, smtp_sink, c)


def test_undeclared_oversized_message_is_refused_after_data(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, {"limits": {"max_message_size": 20000}})
    big, _ = make_message("too big", body=("y" * 76 + "\r\n") * 400)
    assert len(big) > 20000
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        r = c.send_mail(SENDER, [RCPT], big)
        assert r.code == 552, f"undeclared oversized message got {r}"
        # The connection stays usable and the next message is intact.
        _good_message_arrives(g, smtp_sink, c)


def test_authenticated_user_cannot_send_as_someone_else(sealgate, smtp_sink):
    sealgate.user_add("alice", ["alice@example.org"], "pw-alice-123")
    with RawSMTP(*sealgate.addr("submission")) as c:
        c.ehlo()
        assert c.starttls(_ctx(sealgate)).code == 220
        c.ehlo()
        assert c.cmd("AUTH PLAIN AGFsaWNlAHB3LWFsaWNlLTEyMw==").code == 235
        r = c.cmd("MAIL FROM:<mallory@example.org>")
        if r.code == 250:
            r = c.cmd(f"RCPT TO:<{RCPT}>")
        assert r.code == 553 and r.enhanced == "5.7.1", f"sending as someone else got {r}"
        c.cmd("RSET")
        _good_message_arrives(sealgate, smtp_sink, c, sender="alice@example.org")


def test_more_than_50_received_headers_is_a_loop(sealgate, smtp_sink):
    hops = [f"Received: from hop{i}.example by hop{i + 1}.example; Mon, 23 Nov 2026 10:00:00 +0000"
            for i in range(51)]
    looping, _ = make_message("loop", extra_headers=[])
    looping = "\r\n".join(hops).encode() + b"\r\n" + looping
    fifty = b"\r\n".join(looping.split(b"\r\n")[1:])
    with RawSMTP(*sealgate.addr("relay")) as c:
        c.ehlo()
        r = c.send_mail(SENDER, [RCPT], looping)
        assert r.code == 554 and r.enhanced == "5.4.6", f"51 Received headers got {r}"
        r = c.send_mail(SENDER, [RCPT], fifty)
        assert r.code == 250, f"50 Received headers must still be accepted, got {r}"
        qid = queue_id(f"{r.code} {r.text}")
    [got] = smtp_sink.wait_for(1)
    check_relayed(fifty, got, qid)


def test_overlong_command_line_gets_500_and_the_session_continues(sealgate, smtp_sink):
    with RawSMTP(*sealgate.addr("relay")) as c:
        c.ehlo()
        r = c.cmd("NOOP " + "a" * 600)
        assert r.code == 500 and r.enhanced == "5.5.2", f"a 606-octet command line got {r}"
        _good_message_arrives(sealgate, smtp_sink, c)
