# Policy modifiers on the delivered copy: `add_header` adds its header, `strip_subject_tag`
# removes the tag from the Subject; a message the rule does not match arrives unchanged.
import email
import email.policy

import pytest

from harness.mail import check_relayed, split_first_header
from harness.policyfiles import send_ok, text_message, write_policy

SENDER, RCPT = "sender@example.org", "rcpt@example.net"

POLICY = """
    # e2e: "[secure]" in the subject adds a header and the tag is removed; the rest goes as is.
    rules:
      - name: secure-tag
        when:
          subject_tag: ["[secure]", "+encrypt+"]
        deliver: {tls: may}
        add_header: {X-Sealgate-Policy: secure-tag}
        strip_subject_tag: ["[secure]", "+encrypt+"]
      - name: everything-else
        deliver: {tls: may}
    """


@pytest.fixture
def gw(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, start=False)
    write_policy(g, "50-headers.yaml", POLICY)
    return g.start(), smtp_sink


def _header_block(data: bytes) -> bytes:
    return data.split(b"\n\n", 1)[0] if b"\r\n\r\n" not in data else data.split(b"\r\n\r\n", 1)[0]


def _parse(got):
    return email.message_from_bytes(got.data, policy=email.policy.compat32)


def test_add_header_and_strip_subject_tag(gw):
    g, sink = gw
    msg = text_message(SENDER, [RCPT], "[secure] Lab results for review", "See below.\n")
    send_ok(g, SENDER, [RCPT], msg)
    [got] = sink.wait_for(1)
    m = _parse(got)
    assert m.get_all("X-Sealgate-Policy") == ["secure-tag"], \
        f"the delivered message should carry X-Sealgate-Policy: secure-tag once, headers: {m.items()}"
    subject = m["Subject"]
    assert "[secure]" not in subject.lower(), f"the subject tag was not stripped: {subject!r}"
    assert subject == "Lab results for review", f"the rest of the subject must stay: {subject!r}"
    # Apart from Received, the added header and the Subject, the message is unchanged.
    expected = msg.replace(b"Subject: [secure] Lab results for review", b"Subject: Lab results for review")
    lines = [l for l in got.data.split(b"\n") if l.rstrip(b"\r") != b"X-Sealgate-Policy: secure-tag"]
    _, rest = split_first_header(b"\n".join(lines))
    assert rest == expected.replace(b"\r\n", b"\n"), f"message changed beyond the policy's edits:\n{got.data!r}"


def test_added_header_sits_below_sealgates_received(gw):
    """Trace fields go on top (RFC 5322 3.6.7): the policy header belongs under Sealgate's own
    Received, not above it, where it would look as if the next hop had added it."""
    g, sink = gw
    send_ok(g, SENDER, [RCPT], text_message(SENDER, [RCPT], "[secure] x", "y\n"))
    [got] = sink.wait_for(1)
    first, rest = split_first_header(got.data)
    assert first.startswith(b"Received: from client.example") and b"(Sealgate)" in first, \
        f"the first header should be Sealgate's Received, got:\n{_header_block(got.data).decode()}"
    assert b"X-Sealgate-Policy: secure-tag" in _header_block(rest)


def test_other_tag_spelling_is_stripped_too(gw):
    g, sink = gw
    msg = text_message(SENDER, [RCPT], "Referral +ENCRYPT+ Dr. Who", "Body.\n")
    send_ok(g, SENDER, [RCPT], msg)
    [got] = sink.wait_for(1)
    m = _parse(got)
    assert m["Subject"] == "Referral Dr. Who", f"the tag was not stripped cleanly: {m['Subject']!r}"
    assert m.get_all("X-Sealgate-Policy") == ["secure-tag"], m.items()


def test_unmatched_message_arrives_unchanged(gw):
    g, sink = gw
    msg = text_message(SENDER, [RCPT], "Plain subject", "Nothing special.\n")
    qid = send_ok(g, SENDER, [RCPT], msg)
    [got] = sink.wait_for(1)
    check_relayed(msg, got, qid)
