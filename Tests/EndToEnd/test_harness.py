# Checks the harness itself against the real peers, with no sealgate involved: if these fail,
# the other tests' failures say nothing about sealgate.
import os
import smtplib
import stat
import subprocess

from harness.mail import make_message
from harness.postfix import TLS_ESTABLISHED
from harness.sealgate import REPO
from harness.smtp import RawSMTP, swaks, swaks_data_file


def test_dev_certs_is_idempotent_and_keys_are_private(tmp_path):
    d = str(tmp_path / "c")
    tool = os.path.join(REPO, "scripts", "dev-certs")
    subprocess.run([tool, d, "gw.example.test"], check=True, capture_output=True)
    first = {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d)}
    subprocess.run([tool, d, "gw.example.test"], check=True, capture_output=True)
    assert first == {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d)}
    for name in ("ca", "gateway", "mx", "client"):
        assert stat.S_IMODE(os.stat(os.path.join(d, f"{name}.key")).st_mode) == 0o600
        v = subprocess.run(["openssl", "verify", "-CAfile", os.path.join(d, "ca.pem"),
                            os.path.join(d, f"{name}.pem")], capture_output=True, text=True)
        assert v.returncode == 0, v.stdout + v.stderr
    san = subprocess.run(["openssl", "x509", "-in", os.path.join(d, "gateway.pem"), "-noout", "-ext",
                          "subjectAltName"], capture_output=True, text=True).stdout
    assert "DNS:gw.example.test" in san


def test_swaks_to_smtp_sink_keeps_the_message(smtp_sink, tmp_path):
    msg, marker = make_message("harness")
    r = swaks("--server", f"{smtp_sink.ip}:{smtp_sink.port}", "--from", "sender@example.org",
              "--to", "rcpt@example.net", "--data", "@" + swaks_data_file(tmp_path / "m.eml", msg))
    assert r.returncode == 0, r.stdout
    [got] = smtp_sink.wait_for(1)
    assert got.mail_from == "sender@example.org" and got.rcpts == ["rcpt@example.net"]
    assert got.data == msg.replace(b"\r\n", b"\n")


def test_smtplib_to_pysink_keeps_exact_bytes(pysink_factory):
    sink = pysink_factory(reject={"no@example.net": "550 5.1.1 <no@example.net>: rejected"})
    msg, _ = make_message("exact")
    with smtplib.SMTP(sink.ip, sink.port) as s:
        s.ehlo("client.example")
        refused = s.sendmail("sender@example.org", ["rcpt@example.net", "no@example.net"], msg)
    assert list(refused) == ["no@example.net"]
    [got] = sink.wait_for(1)
    assert got.data == msg and got.rcpts == ["rcpt@example.net"]


def test_postfix_client_and_tls_smarthost_log_the_same_tls(postfix_factory, certs):
    mx = postfix_factory.tls_smarthost(os.path.join(certs, "mx.pem"), os.path.join(certs, "mx.key"))
    client = postfix_factory.relay_client(f"[{mx.ip}]:{mx.port}")
    msg, marker = make_message("postfix pair")
    with RawSMTP(client.ip, client.port) as c:
        assert c.ehlo().code == 250
        r = c.send_mail("sender@example.org", ["rcpt@example.net"], msg)
        assert r.code == 250, str(r)
    [delivered] = mx.wait_delivered(1)
    assert marker.encode() in delivered
    sent, got = client.tls_established("to"), mx.tls_established("from")
    assert sent and got, client.log() + mx.log()
    assert (sent[0]["version"], sent[0]["cipher"]) == (got[0]["version"], got[0]["cipher"])
    assert TLS_ESTABLISHED.pattern  # the regex the sealgate tests use is the one checked here


def test_the_phi_leak_sweep_finds_an_ssn_in_gateway_output_and_dsns_but_not_in_delivered_mail(tmp_path):
    from harness import phileak
    ssn = "219-09-9999"   # not from synthetic_ssn, so the run's own sweep does not count it
    gw = tmp_path / "sealgate0"
    gw.mkdir()
    (gw / "sealgate.log").write_text(f"info: queued, note {ssn.replace('-', '')}\n")
    dump = tmp_path / "sink0" / "sink-dump"
    dump.mkdir(parents=True)
    (dump / "delivered.1").write_bytes(f"Subject: x\n\nSSN {ssn}\n".encode())
    (dump / "dsn.2").write_bytes(f"Content-Type: multipart/report; report-type=delivery-status\n\n{ssn}\n".encode())
    files, hits = phileak.sweep(str(tmp_path), [ssn])
    assert files == 2, "the log and the DSN are read; the delivered message is not"
    assert sorted(os.path.basename(p) for p, _ in hits) == ["dsn.2", "sealgate.log"], hits
