# Test messages and checks on what arrives: build a message with unique markers, split off the
# Received header Sealgate prepended, parse it into its parts and compare the rest byte for byte.
import email.utils
import re
import time
import uuid

QUEUE_ID = r"[0-9BCDFGHJKLMNPQRSTVWXYZ]{18}"

# The contract's Received header (Postfix's full form), folded with CRLF + TAB.
RECEIVED = re.compile(
    r"^Received: from (?P<helo>\S+) \((?P<rdns>\S+) \[(?P<ip>[^\]]+)\]\)\r?\n"
    r"(?:\t\(using (?P<version>TLSv[\d.]+) with cipher (?P<cipher>[A-Za-z0-9_-]+) "
    r"\((?P<bits>\d+)/(?P<alg_bits>\d+) bits\)\)\r?\n"
    r"\t\((?P<client_cert>[^\r\n]*)\)\r?\n)?"
    r"\tby (?P<by>\S+) \(Sealgate\) with (?P<proto>\S+) id (?P<id>" + QUEUE_ID + r");\r?\n"
    r"\t(?P<date>[^\r\n]+)\r?\n$")


def make_message(subject: str = "", body: str = "", extra_headers=(), crlf=True) -> tuple[bytes, str]:
    """A small RFC 5322 message with a unique marker in Subject and body; returns (bytes, marker).
    The body has a line starting with '.', so dot-stuffing is exercised on both hops."""
    marker = uuid.uuid4().hex
    lines = [
        f"From: Sender <sender@example.org>",
        f"To: Recipient <rcpt@example.net>",
        f"Subject: {subject or 'test'} {marker}",
        f"Date: {email.utils.formatdate(localtime=False)}",
        f"Message-ID: <{marker}@client.example>",
        *extra_headers,
        "",
        body or f"Body {marker}",
        ".a line that starts with a dot",
        "..and one with two",
        "last line",
    ]
    nl = "\r\n" if crlf else "\n"
    return (nl.join(lines) + nl).encode(), marker


def split_first_header(data: bytes) -> tuple[bytes, bytes]:
    """(first header field with its folded continuation lines, the rest)."""
    nl = b"\r\n" if data.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
    end = 0
    while True:
        i = data.index(nl, end) + len(nl)
        end = i
        if not data[i:i + 1] in (b" ", b"\t"):
            return data[:end], data[end:]


def parse_received(header: bytes) -> dict:
    text = header.decode("utf-8", "replace")
    m = RECEIVED.match(text)
    assert m, ("Received header does not match the contract's form\n"
               "  Received: from HELO (unknown [IP])\n\t(using TLSvX with cipher C (B/A bits))\n"
               "\t(No client certificate requested)\n\tby HOST (Sealgate) with ESMTP[S][A] id QUEUEID;\n"
               f"\tDATE\ngot:\n{text}")
    d = m.groupdict()
    when = email.utils.parsedate_to_datetime(d["date"])
    assert when.tzinfo is not None, f"Received date without zone: {d['date']!r}"
    assert abs(when.timestamp() - time.time()) < 600, f"Received date is not now: {d['date']!r}"
    return d


def check_relayed(sent: bytes, got, queue_id: str | None = None) -> dict:
    """`got` (a sinks.Received) is `sent` with exactly one Received header prepended, byte for
    byte (LF line ends when the sink stores LF). Returns the parsed Received header."""
    header, rest = split_first_header(got.data)
    expected = sent.replace(b"\r\n", b"\n") if got.lf_only else sent
    assert header.startswith(b"Received:"), f"first header is not Received:\n{got.data[:500]!r}"
    assert rest == expected, ("message changed in transit (beyond the prepended Received):\n"
                              f"sent: {expected[:2000]!r}\ngot:  {rest[:2000]!r}")
    hdr = header if not got.lf_only else header.replace(b"\n", b"\r\n")
    d = parse_received(hdr)
    if queue_id is not None:
        assert d["id"] == queue_id, f"Received id {d['id']} != queue id {queue_id} from the 250 reply"
    return d


def check_received_tls(d: dict, version: str, cipher: str, bits: int | None = None):
    assert d["version"] == version and d["cipher"] == cipher, \
        f"Received says {d['version']} {d['cipher']}, peer negotiated {version} {cipher}"
    if bits is not None:
        assert int(d["bits"]) == bits, f"Received says {d['bits']} bits, peer negotiated {bits}"
    assert d["client_cert"] == "No client certificate requested", d["client_cert"]
