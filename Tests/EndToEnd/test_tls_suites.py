# Inbound TLS offers only TLS 1.2+ and, by default, forward-secret AEAD suites (Mozilla's
# intermediate profile): openssl s_client offering a static-RSA or CBC suite is refused, ECDHE-GCM works.
import subprocess

import pytest


def _handshake(ip, port, *args, starttls=True):
    cmd = ["openssl", "s_client", "-connect", f"{ip}:{port}", "-servername", "localhost", "-brief"]
    if starttls:
        cmd += ["-starttls", "smtp"]
    p = subprocess.run(cmd + list(args), input=b"QUIT\r\n", capture_output=True, timeout=30)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


REFUSED = [
    ("-tls1_2", "-cipher", "AES128-GCM-SHA256"),      # TLS_RSA_*: no forward secrecy
    ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"),   # CBC-SHA
    ("-tls1_1",),                                      # below TLS 1.2
]


def test_smtp_listener_refuses_static_rsa_cbc_and_old_versions(sealgate):
    ip, port = sealgate.addr("relay")
    for args in REFUSED:
        code, out = _handshake(ip, port, *args)
        assert code != 0 and "Cipher is" not in out and "Ciphersuite:" not in out, (args, out)
    code, out = _handshake(ip, port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
    assert code == 0 and "ECDHE-RSA-AES128-GCM-SHA256" in out, out
    code, out = _handshake(ip, port, "-tls1_3")
    assert code == 0 and "TLSv1.3" in out, out


def test_the_wide_setting_is_explicit_and_adds_the_old_suites(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, overrides={"tls": {"ciphers": "wide"}})
    ip, port = g.addr("relay")
    code, out = _handshake(ip, port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA")
    assert code == 0 and "ECDHE-RSA-AES128-SHA" in out, out
    code, out = _handshake(ip, port, "-tls1_1")
    assert code != 0, "TLS 1.1 stays refused even with the wide list"
