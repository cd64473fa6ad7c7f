# DKIM signing on the send path: the real daemon with a `dkim.domains` entry (keys from
# `sealgate dkim keygen`) relays a message to a sink; dkimpy verifies what arrived against the
# TXT record keygen printed (rsa, ed25519, and both at once); mail from another domain is unsigned.
import smtplib

import dkim
import pytest

DOMAIN = "example.org"


def _start(sealgate_factory, sink, keys):
    """keys: [(selector, algorithm)]; returns the started gateway and its DNS records."""
    g = sealgate_factory(sink.smarthost, start=False)
    records = {}
    entry = {}
    for n, (selector, algorithm) in enumerate(keys):
        owner, txt = g.dkim_keygen(DOMAIN, selector, algorithm)
        records[owner] = txt
        prefix = "" if n == 0 else "second_"
        entry[prefix + "selector"] = selector
        entry[prefix + "key"] = f"certs/dkim/{DOMAIN}.{selector}.key"
    g.config["dkim"] = {"domains": {DOMAIN: entry}}
    g.write_config()
    return g.start(), records


def _relay(g, sender):
    msg = (f"From: Alice <{sender}>\r\nTo: bob@example.net\r\nSubject: dkim e2e\r\n"
           f"Message-ID: <dkim-e2e@{DOMAIN}>\r\n\r\nHello over DKIM.\r\n.leading dot\r\n").encode()
    ip, port = g.addr("relay")
    with smtplib.SMTP(ip, port, local_hostname="client.example") as s:
        s.sendmail(sender, ["bob@example.net"], msg)
    return msg


def _dnsfunc(records):
    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip("."))
    return dnsfunc


@pytest.mark.parametrize("keys", [[("s2026", "rsa")], [("e2026", "ed25519")],
                                  [("s2026", "rsa"), ("e2026", "ed25519")]],
                         ids=["rsa", "ed25519", "rsa+ed25519"])
def test_relayed_mail_carries_signatures_dkimpy_verifies(sealgate_factory, pysink_factory, keys):
    sink = pysink_factory()
    g, records = _start(sealgate_factory, sink, keys)
    sent = _relay(g, f"alice@{DOMAIN}")
    [got] = sink.wait_for(1)
    data = got.data
    assert data.startswith(b"DKIM-Signature:"), data[:200]
    assert data.count(b"DKIM-Signature:") == len(keys)
    assert data.endswith(sent.split(b"\r\n\r\n", 1)[1])
    # Each signature verifies on its own (dkimpy's verify checks the one at index `idx`).
    for idx in range(len(keys)):
        d = dkim.DKIM(data)
        assert d.verify(idx=idx, dnsfunc=_dnsfunc(records)), f"signature {idx} did not verify"
    tampered = data.replace(b"Hello over DKIM.", b"Hello over DKIM!")
    assert not dkim.verify(tampered, dnsfunc=_dnsfunc(records))


def test_mail_from_an_unconfigured_domain_is_not_signed(sealgate_factory, pysink_factory):
    sink = pysink_factory()
    g, _ = _start(sealgate_factory, sink, [("e2026", "ed25519")])
    _relay(g, "carol@example.com")
    [got] = sink.wait_for(1)
    assert b"DKIM-Signature:" not in got.data
