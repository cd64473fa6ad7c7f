# Runs the real sealgate binary: writes a sealgate.yaml (the config contract) into a temp dir,
# starts `sealgate serve`, waits for "sealgate: ready", runs CLI subcommands with the same
# config, and stops it by PID (SIGTERM, SIGKILL after 10 s) or kill -9s it for crash tests.
# `env` adds variables to the daemon's environment (e.g. SEALGATE_TEST_PORTAL_RECORD).
import copy
import json
import os
import re
import signal
import subprocess
import time

from . import procs
from .net import free_port, next_ip
from .yaml_out import dump

LISTENING = re.compile(r"sealgate: listening on (\S+) (\S+) \(tls: (\S+), auth: (\S+)\)")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def sealgate_bin() -> str:
    path = os.environ.get("SEALGATE_BIN") or os.path.join(REPO, ".build", "debug", "sealgate")
    assert os.path.isfile(path) and os.access(path, os.X_OK), \
        f"sealgate binary not found at {path} (set SEALGATE_BIN or run swift build)"
    return path


def merge(base: dict, over: dict) -> dict:
    """Deep-merge `over` into a copy of `base`; a value of None in `over` deletes the key."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


class Sealgate:
    HOSTNAME = "gw.example.test"

    def __init__(self, workdir: str, certs: str, smarthost: str, overrides: dict | None = None,
                 wrap: list | None = None, env: dict | None = None):
        self.dir = workdir
        self.certs = certs
        self.ip = next_ip()
        self.ports = {"relay": free_port(self.ip), "submission": free_port(self.ip),
                      "smtps": free_port(self.ip)}
        self.config_path = os.path.join(workdir, "sealgate.yaml")
        self.log_path = os.path.join(workdir, "sealgate.log")
        self.wrap = list(wrap or [])
        self.env = dict(env or {})
        os.makedirs(os.path.join(workdir, "certs"), exist_ok=True)
        base = {
            "hostname": self.HOSTNAME,
            "node_id": 1,
            "listeners": [
                {"name": "relay", "address": f"{self.ip}:{self.ports['relay']}", "tls": "starttls",
                 "auth": "optional"},
                {"name": "submission", "address": f"{self.ip}:{self.ports['submission']}",
                 "tls": "starttls", "auth": "required"},
                {"name": "smtps", "address": f"{self.ip}:{self.ports['smtps']}", "tls": "implicit",
                 "auth": "optional"},
            ],
            "relay": {"trusted_networks": ["127.0.0.0/8", "::1/128"],
                      "normalize_bare_newline_networks": []},
            "tls": {"certificate": os.path.join(certs, "gateway.pem"),
                    "key": os.path.join(certs, "gateway.key")},
            # Relative paths on purpose: they resolve against this file's directory.
            "spool": "var/spool",
            "spool_key": "certs/spool.keys",
            "delivery": {"smarthost": smarthost, "retry": ["1m", "5m"], "retry_after": "1h",
                         "max_lifetime": "5d", "ca_file": os.path.join(certs, "ca.pem"),
                         "connect_timeout": "5s"},
            "limits": {"max_message_size": 10485760, "max_recipients": 100, "max_connections": 50,
                       "max_connections_per_ip": 20, "max_data_line_length": 65536,
                       "command_timeout": "60s", "data_timeout": "60s"},
            "audit": {"store": "sqlite:var/audit.sqlite"},
            "control_socket": "var/sealgate.sock",
            "log": {"format": "text", "level": "info"},
            "policies": "policies/",
            "users": "certs/users",
        }
        self.config = merge(base, overrides or {})
        os.makedirs(os.path.join(workdir, "policies"), exist_ok=True)
        self.write_config()
        self.proc = None
        self.listening = {}

    # --- config ------------------------------------------------------------------------------

    def write_config(self):
        with open(self.config_path, "w") as f:
            f.write("# sealgate.yaml written by the e2e harness\n" + dump(self.config))

    def addr(self, listener: str = "relay") -> tuple[str, int]:
        return self.ip, self.ports[listener]

    @property
    def spool_dir(self) -> str:
        return os.path.join(self.dir, "var", "spool")

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 30):
        assert self.proc is None or self.proc.poll() is not None, "sealgate already running"
        self._log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([*self.wrap, sealgate_bin(), "serve", "--config", self.config_path],
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=self.dir,
                                     env={**os.environ, **self.env})
        log.close()
        deadline = time.monotonic() + timeout
        while "sealgate: ready" not in self.log(since_start=True):
            if self.proc.poll() is not None:
                raise AssertionError(f"sealgate serve exited with {self.proc.returncode} before "
                                     f"'sealgate: ready'; log:\n{self.log()[-6000:]}")
            if time.monotonic() > deadline:
                self.kill9()
                raise AssertionError(f"sealgate serve not ready after {timeout}s; log:\n{self.log()[-6000:]}")
            time.sleep(0.05)
        self.listening = {m[0]: m for m in LISTENING.findall(self.log(since_start=True))}
        return self

    @property
    def pid(self) -> int:
        """The sealgate process (the traced child when wrapped, e.g. in strace)."""
        if not self.wrap:
            return self.proc.pid
        kids = procs.wait_until(lambda: procs.children(self.proc.pid), 10, "the wrapped sealgate")
        return kids[0]

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace: float = 10) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit status (None if not running)."""
        if not self.running():
            return None if self.proc is None else self.proc.returncode
        pid = self.pid
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            rc = self.proc.wait(timeout=grace) if not self.wrap else None
            if self.wrap:
                procs.wait_until(lambda: not procs.pid_alive(pid), grace, "sealgate to exit")
                rc = self.proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, procs.Timeout):
            self.kill9()
            raise AssertionError(f"sealgate did not exit within {grace}s of SIGTERM; log:\n{self.log()[-4000:]}")
        return rc

    def kill9(self):
        if self.running():
            try:
                os.kill(self.pid if self.wrap else self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self.wrap:
                procs.stop_popen(self.proc, grace=5)
            self.proc.wait(timeout=10)

    def restart(self):
        self.stop()
        return self.start()

    # --- observing ---------------------------------------------------------------------------

    def log(self, since_start=False) -> str:
        try:
            with open(self.log_path, "rb") as f:
                if since_start:
                    f.seek(getattr(self, "_log_offset", 0))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_log(self, pattern: str, timeout: float = 20) -> re.Match:
        rx = re.compile(pattern)
        return procs.wait_until(lambda: rx.search(self.log()), timeout,
                                f"/{pattern}/ in the sealgate log")

    # --- CLI ---------------------------------------------------------------------------------

    def cli(self, *args, input: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run([sealgate_bin(), *args, "--config", self.config_path], input=input,
                              capture_output=True, text=True, timeout=timeout, cwd=self.dir)

    def cli_ok(self, *args, input: str | None = None) -> str:
        p = self.cli(*args, input=input)
        assert p.returncode == 0, (f"sealgate {' '.join(args)} exited {p.returncode}\nstdout: {p.stdout}\n"
                                   f"stderr: {p.stderr}")
        return p.stdout

    def cli_json(self, *args):
        out = self.cli_ok(*args, "--json")
        try:
            return json.loads(out)
        except json.JSONDecodeError as e:
            raise AssertionError(f"sealgate {' '.join(args)} --json printed invalid JSON ({e}):\n{out}")

    def dkim_keygen(self, domain: str, selector: str, algorithm: str) -> tuple[str, bytes]:
        """`sealgate dkim keygen DOMAIN SELECTOR --algorithm ALG` (the key at its default path beside
        the config); returns the TXT record it printed: (owner name without the final dot, value)."""
        [line] = [l for l in self.cli_ok("dkim", "keygen", domain, selector, "--algorithm", algorithm).splitlines()
                  if l.strip()]
        return line.split()[0].rstrip("."), "".join(re.findall(r'"([^"]*)"', line)).encode()

    def user_add(self, name: str, addresses: list, password: str):
        args = ["user", "add", name]
        for a in addresses:
            args += ["--address", a]
        self.cli_ok(*args, input=password + "\n")

    def queue_list(self) -> list:
        q = self.cli_json("queue", "list")
        assert isinstance(q, list), f"queue list --json must print an array, got {q!r}"
        return q

    def queue_entry(self, qid: str):
        return next((e for e in self.queue_list() if e.get("queue_id") == qid), None)

    def audit(self, qid: str) -> list:
        return self.audit_query("--queue-id", qid)

    def audit_query(self, *filters) -> list:
        """`sealgate audit query FILTERS --json`: one JSON object per line, parsed."""
        out = self.cli_ok("audit", "query", *filters, "--json")
        try:
            recs = [json.loads(line) for line in out.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise AssertionError(f"audit query {' '.join(filters)} --json printed a line that is not JSON ({e}):\n{out}")
        assert all(isinstance(r, dict) for r in recs), f"audit query --json must print one object per line: {out}"
        return recs

    def wait_audit(self, qid: str, event: str, timeout: float = 30) -> list:
        return procs.wait_until(lambda: [r for r in self.audit(qid) if r.get("event") == event],
                                timeout, f"an audit record '{event}' for {qid}")
