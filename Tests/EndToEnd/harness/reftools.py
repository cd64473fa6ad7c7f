# Reference tools that judge the same servers Sealgate judges: `ldns-dane verify` and
# `posttls-finger`, run under `unshare -m` with a bind-mounted resolv.conf naming the test resolver.
import os
import re
import subprocess
from dataclasses import dataclass

# posttls-finger: "Verified TLS connection established to mx.dane.test[127.0.0.5]:25: TLSv1.3 with
# cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ..."
FINGER_TLS = re.compile(
    r"(?P<trust>\w+) TLS connection established to (?P<host>[^\[\s]+)\[(?P<ip>[^\]]+)\]:(?P<port>\d+): "
    r"(?P<version>TLSv[\d.]+) with cipher (?P<cipher>\S+) \((?P<bits>\d+)/(?P<alg_bits>\d+) bits\)")


def write_resolv_conf(path: str, resolver: str) -> str:
    """A resolv.conf naming `resolver` ("IP" or "IP:53"; resolv.conf has no port field)."""
    ip, _, port = resolver.partition(":")
    assert port in ("", "53"), f"resolv.conf cannot name port {port}: the test resolver must be on 53"
    with open(path, "w") as f:
        f.write(f"nameserver {ip}\noptions edns0 trust-ad\n")
    return path


def run_with_resolver(resolv_conf: str, argv: list, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs argv in a private mount namespace in which /etc/resolv.conf is `resolv_conf`.
    The system file is never touched: the bind mount vanishes with the namespace."""
    assert os.path.isfile(resolv_conf), resolv_conf
    script = 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"'
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                           resolv_conf, *argv], capture_output=True, text=True, timeout=timeout)


@dataclass
class DaneVerdict:
    ok: bool          # ldns-dane said "dane-validated successfully"
    exit_code: int
    output: str


def ldns_dane_verify_chain(resolv_conf: str, host: str, chain_pem: str, port: int = 25) -> DaneVerdict:
    """`ldns-dane -c CHAIN verify HOST PORT`: looks up _PORT._tcp.HOST TLSA through the test
    resolver (it must be DNSSEC-secure) and checks the chain the server presents (saved from
    its STARTTLS handshake) against it. ldns-dane has no STARTTLS, hence -c."""
    args = ["ldns-dane", "-4", "-c", chain_pem, "verify", host, str(port)]
    p = run_with_resolver(resolv_conf, args)
    out = p.stdout + p.stderr
    return DaneVerdict("dane-validated successfully" in out and p.returncode == 0, p.returncode, out)


@dataclass
class Finger:
    exit_code: int
    output: str
    tls: dict | None   # trust (Verified/Trusted/Untrusted/Anonymous), host, ip, version, cipher, bits

    @property
    def verified(self) -> bool:
        return bool(self.tls) and self.tls["trust"] == "Verified"


FINGER_MAIN_CF = """\
# posttls-finger settings written by the Sealgate e2e harness (no system /etc/postfix needed).
smtp_dns_support_level = dnssec
smtp_host_lookup = dns
inet_protocols = ipv4
"""


def posttls_finger(resolv_conf: str, destination: str, level: str = "dane", cafile: str | None = None,
                   extra=()) -> Finger:
    """posttls-finger -c -l LEVEL [-F CAfile] DESTINATION: the TLS it negotiates with the first
    MX (or with [host]:port). -c keeps the SMTP chat out of the output. Its main.cf (DNSSEC
    lookups on) lives next to resolv_conf and is passed with MAIL_CONFIG."""
    confdir = os.path.join(os.path.dirname(os.path.abspath(resolv_conf)), "posttls-finger")
    os.makedirs(confdir, exist_ok=True)
    with open(os.path.join(confdir, "main.cf"), "w") as f:
        f.write(FINGER_MAIN_CF)
    args = ["env", f"MAIL_CONFIG={confdir}", "posttls-finger", "-c", "-l", level] + \
        (["-F", cafile] if cafile else []) + list(extra) + [destination]
    p = run_with_resolver(resolv_conf, args)
    out = p.stdout + p.stderr
    m = FINGER_TLS.search(out)
    return Finger(p.returncode, out, m.groupdict() if m else None)


def starttls_chain(resolv_conf: str, host: str, ip: str, port: int, out_path: str) -> str:
    """The certificate chain the SMTP server at ip:port presents after STARTTLS (openssl
    s_client -starttls smtp -showcerts), saved as PEM for ldns-dane -c."""
    p = subprocess.run(["openssl", "s_client", "-connect", f"{ip}:{port}", "-starttls", "smtp",
                        "-servername", host, "-showcerts"], input="", capture_output=True, text=True,
                       timeout=30)
    pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", p.stdout, re.S)
    assert pems, f"no certificate from openssl s_client -starttls smtp {ip}:{port}:\n{p.stdout}{p.stderr}"
    with open(out_path, "w") as f:
        f.write("\n".join(pems) + "\n")
    return out_path
