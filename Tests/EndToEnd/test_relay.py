# Relaying through sealgate to an smtp-sink smarthost with real clients (swaks, smtplib): the
# message arrives byte for byte apart from one prepended Received header in the contract's form.
import os
import smtplib
import ssl
import time

from harness import net, procs
from harness.mail import check_received_tls, check_relayed, make_message
from harness.smtp import SWAKS_TLS, client_context, queue_id, swaks, swaks_data_file

SENDER, RCPT = "sender@example.org", "rcpt@example.net"


def _swaks(g, listener, tmp_path, *extra, helo="client.example"):
    msg, marker = make_message(f"swaks {listener}")
    client_ip = net.next_ip()
    ip, port = g.addr(listener)
    r = swaks("--server", f"{ip}:{port}", "--local-interface", client_ip, "--ehlo", helo,
              "--from", SENDER, "--to", RCPT, "--data", "@" + swaks_data_file(tmp_path / "m.eml", msg), *extra)
    assert r.returncode == 0, f"swaks failed:\n{r.stdout}"
    return msg, client_ip, queue_id(r.stdout), r.stdout


def _common(d, helo, client_ip, proto):
    assert d["helo"] == helo
    assert d["rdns"] == "unknown", "no DNS in this issue: the client name must be 'unknown'"
    assert d["ip"] == client_ip
    assert d["by"] == "gw.example.test"
    assert d["proto"] == proto


def test_swaks_without_tls_relays_byte_for_byte(sealgate, smtp_sink, tmp_path):
    msg, client_ip, qid, _ = _swaks(sealgate, "relay", tmp_path)
    [got] = smtp_sink.wait_for(1)
    assert got.mail_from == SENDER and got.rcpts == [RCPT]
    d = check_relayed(msg, got, qid)
    _common(d, "client.example", client_ip, "ESMTP")
    assert d["version"] is None, "no TLS: the Received header must not have a 'using' clause"


def test_swaks_starttls_received_header_names_the_negotiated_cipher(sealgate, smtp_sink, tmp_path):
    msg, client_ip, qid, out = _swaks(sealgate, "relay", tmp_path, "--tls")
    m = SWAKS_TLS.search(out)
    assert m, f"swaks did not report TLS:\n{out}"
    [got] = smtp_sink.wait_for(1)
    d = check_relayed(msg, got, qid)
    _common(d, "client.example", client_ip, "ESMTPS")
    check_received_tls(d, m.group(1), m.group(2), int(m.group(3)))


def test_swaks_starttls_auth_is_esmtpsa(sealgate, smtp_sink, tmp_path):
    sealgate.user_add("alice", [SENDER], "correct horse battery staple")
    assert "alice" in sealgate.cli_ok("user", "list")
    users_file = os.path.join(sealgate.dir, "certs", "users")
    if os.path.exists(users_file):
        assert b"correct horse battery staple" not in open(users_file, "rb").read(), \
            "the password is stored in plaintext"
    msg, client_ip, qid, out = _swaks(sealgate, "submission", tmp_path, "--tls", "--auth", "PLAIN",
                                      "--auth-user", "alice", "--auth-password",
                                      "correct horse battery staple")
    m = SWAKS_TLS.search(out)
    [got] = smtp_sink.wait_for(1)
    d = check_relayed(msg, got, qid)
    _common(d, "client.example", client_ip, "ESMTPSA")
    check_received_tls(d, m.group(1), m.group(2), int(m.group(3)))


def test_wrong_password_is_refused_and_user_remove_works(sealgate, tmp_path):
    sealgate.user_add("bob", ["bob@example.org"], "s3cret-pass")
    ip, port = sealgate.addr("submission")
    with smtplib.SMTP(ip, port, local_hostname="client.example") as s:
        s.starttls(context=client_context(os.path.join(sealgate.certs, "ca.pem")))
        s.ehlo("client.example")
        try:
            s.login("bob", "wrong")
            raise AssertionError("AUTH with a wrong password succeeded")
        except smtplib.SMTPAuthenticationError as e:
            assert e.smtp_code == 535, e
    sealgate.cli_ok("user", "remove", "bob")
    assert "bob" not in sealgate.cli_ok("user", "list")


def _smtplib_send(s, msg):
    s.ehlo("client.example")
    code, resp = s.mail(SENDER)
    assert code == 250, resp
    code, resp = s.rcpt(RCPT)
    assert code == 250, resp
    code, resp = s.data(msg)
    assert code == 250, resp
    return queue_id(f"{code} {resp.decode()}")


def test_smtplib_plain_relays_byte_for_byte(sealgate, smtp_sink):
    msg, _ = make_message("smtplib plain")
    client_ip = net.next_ip()
    ip, port = sealgate.addr("relay")
    with smtplib.SMTP(ip, port, local_hostname="client.example", source_address=(client_ip, 0)) as s:
        qid = _smtplib_send(s, msg)
    [got] = smtp_sink.wait_for(1)
    _common(check_relayed(msg, got, qid), "client.example", client_ip, "ESMTP")


def test_smtplib_starttls_relays_byte_for_byte(sealgate, smtp_sink):
    msg, _ = make_message("smtplib starttls")
    client_ip = net.next_ip()
    ip, port = sealgate.addr("relay")
    with smtplib.SMTP(ip, port, local_hostname="client.example", source_address=(client_ip, 0)) as s:
        s.ehlo("client.example")
        code, _ = s.starttls(context=client_context(os.path.join(sealgate.certs, "ca.pem")))
        assert code == 220
        cipher, version, bits = s.sock.cipher()
        qid = _smtplib_send(s, msg)
    [got] = smtp_sink.wait_for(1)
    d = check_relayed(msg, got, qid)
    _common(d, "client.example", client_ip, "ESMTPS")
    check_received_tls(d, version, cipher, bits)


def test_smtplib_implicit_tls_listener(sealgate, smtp_sink):
    msg, _ = make_message("smtps")
    ip, port = sealgate.addr("smtps")
    ctx = client_context(os.path.join(sealgate.certs, "ca.pem"))
    with smtplib.SMTP_SSL(ip, port, local_hostname="client.example", context=ctx) as s:
        cipher, version, bits = s.sock.cipher()
        qid = _smtplib_send(s, msg)
    [got] = smtp_sink.wait_for(1)
    d = check_relayed(msg, got, qid)
    assert d["proto"] == "ESMTPS"
    check_received_tls(d, version, cipher, bits)


def test_server_certificate_is_the_configured_one(sealgate):
    ip, port = sealgate.addr("relay")
    with smtplib.SMTP(ip, port, local_hostname="client.example") as s:
        s.starttls(context=client_context(os.path.join(sealgate.certs, "ca.pem")))
        der = s.sock.getpeercert(binary_form=True)
    pem = open(os.path.join(sealgate.certs, "gateway.pem")).read()
    first = pem.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    assert der == ssl.PEM_cert_to_DER_cert(first)


def test_exact_crlf_8bit_and_long_lines_survive(sealgate_factory, pysink_factory):
    """PySink keeps the exact bytes (smtp-sink stores LF): CRLFs, 8-bit UTF-8, a 998-octet line
    and dot-stuffed lines must all arrive unchanged, with two recipients delivered once each."""
    sink = pysink_factory()
    g = sealgate_factory(sink.smarthost)
    body = "Grüße, naïve café ✓\r\n" + "x" * 998 + "\r\n.\r\n..\r\n. \r\nend"
    msg, _ = make_message("8bit", body=body, extra_headers=["MIME-Version: 1.0",
                                                             "Content-Type: text/plain; charset=utf-8",
                                                             "Content-Transfer-Encoding: 8bit"])
    ip, port = g.addr("relay")
    with smtplib.SMTP(ip, port, local_hostname="client.example") as s:
        s.ehlo("client.example")
        assert s.has_extn("8bitmime") and s.has_extn("pipelining") and s.has_extn("size")
        assert s.has_extn("enhancedstatuscodes") and s.has_extn("smtputf8")
        code, resp = s.mail(SENDER, ["BODY=8BITMIME"])
        assert code == 250, resp
        for r in (RCPT, "second@example.net"):
            assert s.rcpt(r)[0] == 250
        code, resp = s.data(msg)
        assert code == 250, resp
        qid = queue_id(f"{code} {resp.decode()}")
    procs.wait_until(lambda: sum(len(m.rcpts) for m in sink.messages()) >= 2, 30,
                     "both recipients at the smarthost")
    time.sleep(0.5)  # a duplicate delivery would show up here
    got = sink.messages()
    delivered = sorted(r for m in got for r in m.rcpts)
    assert delivered == sorted([RCPT, "second@example.net"]), f"recipients delivered: {delivered}"
    for m in got:
        check_relayed(msg, m, qid)
