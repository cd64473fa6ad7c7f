# Key material made by the real tools for the offline CLI tests: a minimal config for a gateway
# that is never started, S/MIME certificates from a throwaway openssl CA, OpenPGP keys from gpg.
import os
import subprocess

OFFLINE_CONFIG = """\
hostname: gw.example.test
listeners:
  - {name: relay, address: "127.0.0.1:2525", tls: none, auth: none}
spool: var/spool
delivery: {smarthost: "[127.0.0.1]:2526"}
"""


def offline_config(directory, extra=""):
    """Writes sealgate.yaml (and an empty policies/ unless one exists) into `directory`; returns its path."""
    os.makedirs(os.path.join(directory, "policies"), exist_ok=True)
    path = os.path.join(directory, "sealgate.yaml")
    with open(path, "w") as f:
        f.write(OFFLINE_CONFIG + extra)
    return path


def _openssl(*args, cwd):
    return subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def smime_certificate(d, name, email, key_usage="keyEncipherment,keyAgreement", key="ec"):
    """A P-256 (key="ec") or RSA-2048 (key="rsa") certificate for `email` issued by a throwaway CA
    in `d` (made on first use), its private key in d/NAME.key; returns (path, openssl's SHA-256
    fingerprint in lower-case hex)."""
    if not os.path.exists(os.path.join(d, "ca.pem")):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                 "-days", "2", "-subj", "/CN=Test CA", cwd=d)
    newkey = ["-newkey", "rsa:2048"] if key == "rsa" else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    _openssl("req", "-new", *newkey, "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
    with open(os.path.join(d, f"{name}.ext"), "w") as f:
        f.write(f"keyUsage=critical,{key_usage}\nextendedKeyUsage=emailProtection\nsubjectAltName=email:{email}\n")
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-set_serial", str(int.from_bytes(os.urandom(4), "big")), "-days", "30", "-extfile", f"{name}.ext",
             "-out", f"{name}.pem", cwd=d)
    out = _openssl("x509", "-in", f"{name}.pem", "-noout", "-fingerprint", "-sha256", cwd=d)
    return os.path.join(d, f"{name}.pem"), out.strip().split("=", 1)[1].replace(":", "").lower()


def gpg_public_key(d, name, email):
    """An armored OpenPGP public key for `email` made by gpg in a temporary GNUPGHOME under `d`;
    returns (path, fingerprint, long key id of the primary), both upper-case hex as gpg prints them."""
    home = os.path.join(d, f"gnupg-{name}")
    os.mkdir(home, 0o700)
    env = dict(os.environ, GNUPGHOME=home)
    gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    try:
        subprocess.run(gpg + ["--quick-gen-key", f"{name} <{email}>", "future-default", "default", "1y"],
                       env=env, check=True, capture_output=True)
        listing = subprocess.run(["gpg", "--with-colons", "--fingerprint", email], env=env, check=True,
                                 capture_output=True, text=True).stdout
        fpr = next(l.split(":")[9] for l in listing.splitlines() if l.startswith("fpr:"))
        keyid = next(l.split(":")[4] for l in listing.splitlines() if l.startswith("pub:"))
        key = subprocess.run(["gpg", "--armor", "--export", fpr], env=env, check=True, capture_output=True).stdout
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=env, capture_output=True)
    path = os.path.join(d, f"{name}.asc")
    with open(path, "wb") as f:
        f.write(key)
    return path, fpr, keyid.upper()
