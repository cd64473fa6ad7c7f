# A real Postfix instance in a temp dir: its own config_directory, queue/data directories and
# maillog_file, listening on one 127.0.0.N. Roles: a client relaying into Sealgate, or a
# receiving smarthost with STARTTLS that delivers every recipient into one Maildir.
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile

from . import procs
from .net import port_is_open

MASTER_CF = """\
# Written by the Sealgate e2e harness: no chroot, one smtpd on {ip}:{port}.
{ip}:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

TLS_ESTABLISHED = re.compile(
    r"(?P<trust>\w+) TLS connection established (?P<dir>to|from) (?P<peer>\S+?):? "
    r"(?P<version>TLSv[\d.]+) with cipher (?P<cipher>\S+) \((?P<bits>\d+)/(?P<alg_bits>\d+) bits\)")


def _workdir(path: str | None) -> str:
    """Postfix's unprivileged daemons must reach the instance dirs, and pytest's temp dirs are
    0700: without a path, make a 0755 temp dir of our own (Postfix.cleanup() removes it)."""
    path = path or tempfile.mkdtemp(prefix="sealgate-e2e-postfix-")
    os.chmod(path, 0o755)
    return path


class Postfix:
    def __init__(self, ip: str, port: int, workdir: str | None, hostname: str, settings: dict):
        self.ip, self.port, self.hostname = ip, port, hostname
        self.dir = workdir = _workdir(workdir)
        self.conf = os.path.join(workdir, "etc")
        self.queue = os.path.join(workdir, "queue")
        self.data = os.path.join(workdir, "data")
        self.logdir = os.path.join(workdir, "log")
        self.maillog = os.path.join(self.logdir, "maillog")
        self.maildir = os.path.join(workdir, "mail", "inbox")
        for d in (self.conf, self.queue, self.data, self.logdir):
            os.makedirs(d, exist_ok=True)
        pf = pwd.getpwnam("postfix")
        os.chown(self.data, pf.pw_uid, pf.pw_gid)
        main = {
            "compatibility_level": "3.6",
            "config_directory": self.conf,
            "queue_directory": self.queue,
            "data_directory": self.data,
            "maillog_file": self.maillog,
            "maillog_file_prefixes": self.logdir,
            "myhostname": hostname,
            "mydomain": hostname.partition(".")[2] or "example.test",
            "myorigin": "$myhostname",
            "mydestination": "",
            # Postfix insists that inet_interfaces are configured interface addresses, and lo
            # has only 127.0.0.1; the smtpd in master.cf binds ip:port explicitly instead.
            "inet_interfaces": "loopback-only",
            "inet_protocols": "ipv4",
            "smtp_bind_address": ip,
            "mynetworks": "127.0.0.0/8",
            "relay_domains": "",
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "biff": "no",
            "append_dot_mydomain": "no",
            "smtputf8_enable": "no",
            "smtp_dns_support_level": "disabled",
            "smtp_host_lookup": "native",
            "smtpd_banner": "$myhostname ESMTP",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            "smtp_tls_session_cache_database": "",
            "smtpd_tls_session_cache_database": "",
            "delay_warning_time": "0",
            "queue_run_delay": "5s",
            "minimal_backoff_time": "5s",
            "maximal_backoff_time": "10s",
            "import_environment": "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C",
        }
        main.update(settings)
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write("# Written by the Sealgate e2e harness.\n")
            for k, v in main.items():
                f.write(f"{k} = {v}\n")
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(ip=ip, port=port))

    # --- roles -------------------------------------------------------------------------------

    @classmethod
    def relay_client(cls, ip, port, workdir, relayhost: str, extra=None):
        """Accepts mail on ip:port from 127.0.0.0/8 and relays all of it to relayhost over
        opportunistic STARTTLS, logging the negotiated TLS (smtp_tls_loglevel = 1)."""
        settings = {"relayhost": relayhost, "smtp_tls_security_level": "may",
                    "smtp_tls_loglevel": "1", "smtpd_tls_security_level": "none"}
        settings.update(extra or {})
        return cls(ip, port, workdir, "pfclient.example.test", settings)

    @classmethod
    def tls_smarthost(cls, ip, port, workdir, cert: str, key: str, domains=("example.net", "example.org"),
                      extra=None):
        """Offers STARTTLS with cert/key, logs the negotiated TLS (smtpd_tls_loglevel = 1),
        and delivers mail for `domains` into one Maildir (self.maildir)."""
        workdir = _workdir(workdir)
        nobody = pwd.getpwnam("nobody")
        base = os.path.join(workdir, "mail")
        os.makedirs(base, exist_ok=True)
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        settings = {
            "smtpd_tls_security_level": "may", "smtpd_tls_loglevel": "1",
            "smtpd_tls_cert_file": cert, "smtpd_tls_key_file": key,
            "smtpd_tls_received_header": "yes",
            "virtual_mailbox_domains": ", ".join(domains),
            "virtual_mailbox_base": base, "virtual_mailbox_maps": "static:inbox/",
            "virtual_uid_maps": f"static:{nobody.pw_uid}", "virtual_gid_maps": f"static:{nobody.pw_gid}",
            "virtual_minimum_uid": "1",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        }
        settings.update(extra or {})
        return cls(ip, port, workdir, "mx.example.test", settings)

    # --- lifecycle ---------------------------------------------------------------------------

    def _run(self, *args, check=True):
        p = subprocess.run(["postfix", "-c", self.conf, *args], capture_output=True, text=True,
                           timeout=60)
        if check and p.returncode != 0:
            raise AssertionError(f"postfix {' '.join(args)} failed ({p.returncode}):\n"
                                 f"{p.stdout}{p.stderr}\n--- maillog:\n{self.log()}")
        return p

    def start(self):
        self._run("start")
        procs.wait_until(lambda: port_is_open(self.ip, self.port), 20,
                         f"Postfix smtpd on {self.ip}:{self.port}")
        return self

    def master_pid(self):
        try:
            return int(open(os.path.join(self.queue, "pid", "master.pid")).read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        pid = self.master_pid()
        self._run("stop", check=False)
        if pid:
            # postfix stop returns before master exits; make sure it (and so its children) is gone.
            procs.stop_pid(pid, grace=10)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def flush(self):
        self._run("flush", check=False)

    # --- observations ------------------------------------------------------------------------

    def log(self) -> str:
        try:
            return open(self.maillog, errors="replace").read()
        except OSError:
            return ""

    def tls_established(self, direction: str) -> list:
        """Each 'TLS connection established to|from' line as a dict (version, cipher, bits...)."""
        return [m.groupdict() for m in TLS_ESTABLISHED.finditer(self.log()) if m["dir"] == direction]

    def delivered_files(self) -> list:
        return sorted(glob.glob(os.path.join(self.maildir, "new", "*")))

    def wait_delivered(self, n=1, timeout=30) -> list:
        procs.wait_until(lambda: len(self.delivered_files()) >= n, timeout,
                         f"{n} message(s) in Postfix maildir {self.maildir}\n--- maillog:\n{self.log()[-3000:]}")
        return [open(p, "rb").read() for p in self.delivered_files()]

    def queue_ids_sent(self) -> list:
        """Postfix lines reporting status=sent (for the client role)."""
        return re.findall(r"status=sent \((.*)\)", self.log())
