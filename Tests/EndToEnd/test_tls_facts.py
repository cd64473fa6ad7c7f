# The TLS facts sealgate records must be the ones actually negotiated, as judged by the peer:
# Postfix relaying in (its smtp_tls_loglevel=1 log vs our Received header) and a Postfix
# smarthost receiving from us (its smtpd log vs our audit record).
import os

import pytest

from harness.mail import make_message, parse_received, split_first_header
from harness.smtp import RawSMTP, queue_id

TLS12_ONLY = "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3"
VERSIONS = {"tls13": {}, "tls12": TLS12_ONLY}


def _norm_version(v) -> str:
    return str(v).replace("TLSv", "").replace("TLS", "").strip()


@pytest.mark.slow
@pytest.mark.parametrize("tls", ["tls13", "tls12"])
def test_postfix_relaying_in_sees_the_cipher_our_received_header_names(tls, sealgate, smtp_sink,
                                                                      postfix_factory):
    extra = {"smtp_tls_protocols": TLS12_ONLY, "smtp_tls_mandatory_protocols": TLS12_ONLY} \
        if tls == "tls12" else {}
    ip, port = sealgate.addr("relay")
    client = postfix_factory.relay_client(f"[{ip}]:{port}", extra)
    msg, marker = make_message(f"postfix in {tls}")
    with RawSMTP(client.ip, client.port) as c:
        assert c.ehlo().code == 250
        r = c.send_mail("sender@example.org", ["rcpt@example.net"], msg)
        assert r.code == 250, str(r)
    [got] = smtp_sink.wait_for(1, timeout=45)
    assert marker.encode() in got.data
    header, rest = split_first_header(got.data)
    d = parse_received(header.replace(b"\n", b"\r\n"))
    assert d["helo"] == client.hostname and d["ip"] == client.ip and d["proto"] == "ESMTPS"
    logged = client.tls_established("to")
    assert logged, f"Postfix logged no TLS connection to sealgate:\n{client.log()}"
    pf = logged[-1]
    assert (d["version"], d["cipher"], d["bits"], d["alg_bits"]) == \
        (pf["version"], pf["cipher"], pf["bits"], pf["alg_bits"]), \
        f"Received header says {d}, Postfix logged {pf}"
    if tls == "tls12":
        assert d["version"] == "TLSv1.2"
    # Postfix's own Received header comes right after ours, unchanged.
    assert rest.startswith(b"Received: from ") and client.hostname.encode() in rest.split(b"\n")[1]


@pytest.mark.slow
@pytest.mark.parametrize("tls", ["tls13", "tls12"])
def test_audit_tls_facts_match_what_the_postfix_smarthost_logged(tls, sealgate_factory, postfix_factory,
                                                                 certs):
    extra = {"smtpd_tls_protocols": TLS12_ONLY, "smtpd_tls_mandatory_protocols": TLS12_ONLY} \
        if tls == "tls12" else {}
    mx = postfix_factory.tls_smarthost(os.path.join(certs, "mx.pem"), os.path.join(certs, "mx.key"), extra)
    g = sealgate_factory(f"[{mx.ip}]:{mx.port}")
    msg, marker = make_message(f"to postfix {tls}")
    ip, port = g.addr("relay")
    with RawSMTP(ip, port) as c:
        c.ehlo()
        r = c.send_mail("sender@example.org", ["rcpt@example.net"], msg)
        assert r.code == 250, str(r)
        qid = queue_id(f"{r.code} {r.text}")
    [delivered] = mx.wait_delivered(1)
    # The Maildir copy: Postfix's delivery headers, Postfix's Received, ours, then the message.
    assert delivered.replace(b"\n", b"\r\n").endswith(msg), "message changed on the way to Postfix"
    assert b"by gw.example.test (Sealgate) with ESMTP id " + qid.encode() in delivered
    logged = mx.tls_established("from")
    assert logged, f"the Postfix smarthost logged no TLS connection:\n{mx.log()}"
    pf = logged[-1]

    g.wait_audit(qid, "delivered")
    records = g.audit(qid)
    tls_records = [r for r in records if r.get("tls") and r.get("event") in ("delivery_attempt", "delivered")]
    assert tls_records, f"no delivery record carries TLS facts: {records}"
    facts = tls_records[-1]["tls"]
    assert _norm_version(facts["version"]) == _norm_version(pf["version"]), (facts, pf)
    assert facts["cipher"] == pf["cipher"], (facts, pf)
    assert int(facts["bits"]) == int(pf["bits"]) and int(facts["algorithm_bits"]) == int(pf["alg_bits"])
    assert tls_records[-1].get("recipient") in ("rcpt@example.net", "<rcpt@example.net>")
    if tls == "tls12":
        assert _norm_version(facts["version"]) == "1.2"
