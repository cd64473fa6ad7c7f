# Under attack: idle connections from many 127.0.0.x addresses fill the unreserved part of
# limits.max_connections; trusted and submission clients still get in through the reserve; stress
# mode (Postfix's ${stress?…}) drops idle untrusted sessions after limits.stress_command_timeout,
# so new clients get in again, and drops a slowloris that never ends a line. No timing assertions
# beyond "it happens within a bounded wait".
import os
import select
import time

from harness.mail import make_message
from harness.smtp import RawSMTP, client_context

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
MAX, RESERVED, PER_IP = 40, 5, 4
UNRESERVED = MAX - RESERVED
THRESHOLD = (UNRESERVED * 4 + 4) // 5   # 80% of the unreserved part, rounded up: 28
TRUSTED_NET = "127.0.1.0/24"            # trusted clients come from 127.0.1.x; attackers from 127.0.0.x


def _gateway(factory, sink, stress_timeout):
    return factory(sink.smarthost, {
        "relay": {"trusted_networks": [TRUSTED_NET]},
        "limits": {"max_connections": MAX, "reserved_connections": RESERVED, "max_connections_per_ip": PER_IP,
                   "command_timeout": "60s", "stress_command_timeout": stress_timeout},
    })


def _attacker_ip(i: int) -> str:
    return f"127.0.0.{100 + i // PER_IP}"


def _connect(g, source_ip, listener="relay"):
    """A connection with its greeting read: (RawSMTP, the greeting Reply)."""
    c = RawSMTP(*g.addr(listener), source_ip=source_ip, timeout=20)
    return c, c.greeting


def _fill(g, first=0, limit=MAX + 10):
    """Opens idle untrusted connections from 127.0.0.x until one is refused; returns the open
    ones and the refusal."""
    open_ = []
    for i in range(first, first + limit):
        c, hello = _connect(g, _attacker_ip(i))
        if hello.code != 220:
            c.close()
            return open_, hello
        open_.append(c)
    raise AssertionError(f"{limit} idle connections and no 421")


def _closed_by_server(c: RawSMTP, timeout: float) -> bool:
    """True when the server says 421 or closes the connection within `timeout` seconds."""
    if not c.buf and not select.select([c.sock], [], [], timeout)[0]:
        return False
    r = c.reply_or_closed()
    return r is None or r.code == 421


def _send_one(c: RawSMTP, subject: str):
    msg, _ = make_message(subject)
    r = c.send_mail(SENDER, [RCPT], msg)
    assert r.code == 250, f"message refused: {r}"


def test_reserve_keeps_trusted_and_submission_clients_served(sealgate_factory, smtp_sink):
    # A stress timeout as long as the command timeout: the idle attackers stay for this test.
    g = _gateway(sealgate_factory, smtp_sink, "60s")
    g.user_add("alice", [SENDER], "pw-alice-123")
    attackers, refusal = _fill(g)
    try:
        assert len(attackers) == UNRESERVED, f"{len(attackers)} untrusted connections admitted"
        assert refusal.code == 421 and refusal.enhanced == "4.7.0" and "Too many connections" in refusal.text
        # Refused at connect: before any command.
        late, hello = _connect(g, "127.0.0.99")
        assert hello.code == 421, f"an untrusted client took a reserved slot: {hello}"
        late.close()

        # A trusted client gets 220 and sends a message through the reserve.
        with RawSMTP(*g.addr("relay"), source_ip="127.0.1.1") as c:
            assert c.greeting.code == 220, f"trusted client refused: {c.greeting}"
            assert c.ehlo().code == 250
            _send_one(c, "trusted under attack")
        # So does a client of the auth: required listener, from an untrusted address.
        with RawSMTP(*g.addr("submission"), source_ip="127.0.0.98") as c:
            assert c.greeting.code == 220, f"submission client refused: {c.greeting}"
            c.ehlo()
            assert c.starttls(client_context(os.path.join(g.certs, "ca.pem"))).code == 220
            c.ehlo()
            assert c.cmd("AUTH PLAIN AGFsaWNlAHB3LWFsaWNlLTEyMw==").code == 235   # \0alice\0pw-alice-123
            _send_one(c, "submission under attack")
        assert len(smtp_sink.wait_for(2)) == 2
        g.wait_log(r"stress mode on: \d+ connections in use, threshold %d, limit %d with %d reserved" % (THRESHOLD, MAX, RESERVED))
        assert "reserved for trusted networks and submission), refusing unknown[127.0.0.99]" in g.log()
    finally:
        for c in attackers:
            c.close()


def test_stress_drops_idle_untrusted_sessions_and_new_clients_get_in(sealgate_factory, smtp_sink):
    g = _gateway(sealgate_factory, smtp_sink, "2s")
    # A few idle sessions before any stress: they outlive the stress timeout while there is none.
    early = [_connect(g, f"127.0.0.{200 + i}")[0] for i in range(3)]
    time.sleep(3)
    for c in early:
        assert not _closed_by_server(c, 0.1), "no stress yet: the 60s command timeout applies"
    # Then the attack fills the unreserved part.
    attackers, refusal = _fill(g, limit=MAX)
    assert refusal.code == 421
    idle = early + attackers
    try:
        # Under stress idle untrusted sessions are dropped (those connected before it began too)
        # until the live sessions are below the threshold; then stress ends.
        g.wait_log(r"timeout after \d+s \(stress mode: no complete line for 2s\)", timeout=15)
        g.wait_log(r"stress mode off: \d+ connections in use, below threshold %d; connections refused while it lasted: \d+" % THRESHOLD,
                   timeout=15)
        dropped = [c for c in idle if _closed_by_server(c, 0.2)]
        assert len(dropped) >= len(idle) - THRESHOLD + 1, f"only {len(dropped)} of {len(idle)} idle sessions dropped"
        # The slots are free again: a new untrusted client gets in.
        with RawSMTP(*g.addr("relay"), source_ip="127.0.0.97") as c:
            assert c.greeting.code == 220, f"still refused after the idle sessions were dropped: {c.greeting}"
            assert c.ehlo().code == 250
    finally:
        for c in idle:
            c.close()


def test_slowloris_is_dropped_after_the_stress_timeout(sealgate_factory, smtp_sink):
    g = _gateway(sealgate_factory, smtp_sink, "2s")
    # Trusted idle sessions (they keep the normal timeout) hold the gateway at the stress threshold.
    holders = [_connect(g, f"127.0.1.{10 + i // PER_IP}")[0] for i in range(THRESHOLD)]
    try:
        assert all(h.greeting.code == 220 for h in holders)
        g.wait_log(r"stress mode on")
        slow, hello = _connect(g, "127.0.0.96")
        assert hello.code == 220
        # One byte every 0.5 s, never a line end: each byte would restart a per-read timeout.
        start = time.monotonic()
        dropped = False
        for b in b"EHLO slowloris.example.test.and.on.and.on.and.on":
            try:
                slow.send(bytes([b]))
            except OSError:
                dropped = True
                break
            if _closed_by_server(slow, 0.5):
                dropped = True
                break
            if time.monotonic() - start > 20:
                break
        assert dropped, "a slowloris held its slot under stress"
        slow.close()
        g.wait_log(r"timeout after \d+s \(stress mode: no complete line for 2s\) from unknown\[127\.0\.0\.96\]")
        # The trusted holders are still there.
        for h in holders[:3]:
            assert h.cmd("NOOP").code == 250
    finally:
        for h in holders:
            h.close()
