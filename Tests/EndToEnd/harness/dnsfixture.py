# DNS test fixture: nsd serving a DNSSEC-signed `test.` zone and its child zones, and a validating
# unbound in front of it, both on loopback, signed at start. Stdlib only; a module and a CLI.
"""
Usage as a CLI::

    python3 Tests/EndToEnd/harness/dnsfixture.py start --dir DIR --spec SPEC.json
        -> prints {"resolver": "127.0.0.x:53", "pids": [...], "nsd": "127.0.0.y:53",
                   "resolv_conf": "DIR/resolv.conf"}
    python3 Tests/EndToEnd/harness/dnsfixture.py stop --dir DIR

From Python::

    fx = DNSFixture(dir, spec)      # spec: a dict, or the path of a JSON file
    resolver = fx.start()           # "127.0.0.x:port"
    ...
    fx.stop()

The spec (JSON)::

    {
      "ttl": 300,                 # optional: default TTL ($TTL) of every zone
      "negative_ttl": 60,         # optional: SOA minimum of every zone (RFC 2308 negative TTL)
      "records": [                # optional: extra records in the `test.` zone itself
        "mx.test. A 127.0.0.9"
      ],
      "zones": [                  # child zones of `test.` (a dict name -> zone also works)
        {
          "name": "signed.test",            # with or without the trailing dot
          "dnssec": "signed",               # "signed" | "unsigned" | "bogus"
          "negative_ttl": 30,               # optional, overrides the global one
          "records": [                      # zone-file lines; names relative to the zone or absolute
            "@ MX 10 mx1",
            "mx1 A 127.0.0.20",
            "_25._tcp.mx1 TLSA 3 1 1 0123abcd...",
            "@ TXT \\"v=STSv1; id=1\\""
          ]
        }
      ]
    }

"signed" zones get a KSK and a ZSK (ECDSAP256SHA256) and their DS goes into `test.`; "bogus" zones
are signed the same way, then every RRSIG except those over DNSKEY is corrupted, so a validating
resolver answers SERVFAIL (and the data with CD set). "unsigned" zones are delegated without a DS
(provably insecure). `test.` is always signed; unbound trusts its KSK through a trust-anchor file.
The fixture adds SOA and NS records (`ns.test.`, at nsd's address) to every zone.

Addresses: as root, nsd and unbound each get port 53 on a free 127.0.0.N (200 <= N <= 250), so a
resolv.conf can name the resolver (DIR/resolv.conf is written for tools such as ldns-dane run
under `unshare -m`). Otherwise they get free high ports. Starting kills leftovers of an earlier
run in the same DIR; stopping kills by PID (recorded in DIR/fixture.json), never by name.
"""
import argparse
import base64
import fcntl
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time

try:                      # imported as harness.dnsfixture
    from . import procs
except ImportError:       # run as a script: the harness folder is sys.path[0]
    import procs

STATE_FILE = "fixture.json"
LOCK_FILE = "/tmp/sealgate-dnsfixture.lock"
TOOLS = ["nsd", "unbound", "ldns-keygen", "ldns-signzone", "ldns-key2ds"]


class FixtureError(RuntimeError):
    pass


# ---------------------------------------------------------------- processes

def _pid_belongs_to(pid: int, directory: str) -> bool:
    """True if pid's command line mentions directory (guards against a recycled PID)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return directory.encode() in f.read()
    except OSError:
        return False


def _kill_pid(pid: int, directory: str, grace: float = 5.0):
    if not procs.pid_alive(pid) or not _pid_belongs_to(pid, directory):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not procs.pid_alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _run(args, cwd):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise FixtureError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


# ---------------------------------------------------------------- addresses

def _bindable(ip: str, port: int) -> bool:
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((ip, port))
            except OSError:
                return False
    return True


def _free_port(ip: str) -> int:
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((ip, 0))
            port = s.getsockname()[1]
        if _bindable(ip, port):
            return port
    raise FixtureError(f"no free port on {ip}")


def _pick_endpoints(count: int) -> list:
    """count distinct (ip, port) pairs, port 53 when running as root."""
    candidates = [f"127.0.0.{n}" for n in range(200, 251)]
    random.shuffle(candidates)
    out = []
    if os.geteuid() == 0:
        for ip in candidates:
            if _bindable(ip, 53):
                out.append((ip, 53))
                if len(out) == count:
                    return out
    out = []
    for ip in candidates[:count]:
        out.append((ip, _free_port(ip)))
    return out


# ---------------------------------------------------------------- DNS probe

def _query(ip: str, port: int, name: str, qtype: int, timeout: float = 1.0):
    """One UDP query with RD and DO set; returns (rcode, ad) or None when nothing answers."""
    qid = random.randint(0, 0xFFFF)
    header = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    qname = b"".join(bytes([len(label)]) + label.encode() for label in name.strip(".").split(".") if label) + b"\0"
    question = qname + struct.pack("!HH", qtype, 1)
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0x00008000, 0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(header + question + opt, (ip, port))
            data, _ = s.recvfrom(4096)
        except OSError:
            return None
    if len(data) < 12:
        return None
    rid, flags = struct.unpack("!HH", data[:4])
    if rid != qid:
        return None
    return flags & 0x000F, bool(flags & 0x0020)


# ---------------------------------------------------------------- zones

def _fqdn(name: str) -> str:
    return name.rstrip(".").lower() + "."


def _soa_and_ns(ttl: int, negative_ttl: int) -> list:
    return [
        f"$TTL {ttl}",
        f"@ IN SOA ns.test. hostmaster.test. 1 3600 900 604800 {negative_ttl}",
        "@ IN NS ns.test.",
    ]


def _keygen(name: str, directory: str, ksk: bool) -> str:
    args = ["ldns-keygen", "-a", "ECDSAP256SHA256"] + (["-k"] if ksk else []) + [name]
    return _run(args, directory).strip().splitlines()[-1]


def _sign(zone_file: str, origin: str, directory: str) -> tuple:
    """Signs zone_file into zone_file + '.signed'; returns (signed file name, DS record line)."""
    ksk = _keygen(origin, directory, ksk=True)
    zsk = _keygen(origin, directory, ksk=False)
    inception = str(int(time.time()) - 86400)
    expiration = str(int(time.time()) + 30 * 86400)
    _run(["ldns-signzone", "-i", inception, "-e", expiration, "-o", origin, "-f", zone_file + ".signed",
          zone_file, ksk, zsk], directory)
    ds = _run(["ldns-key2ds", "-n", "-2", ksk + ".key"], directory).strip()
    return zone_file + ".signed", ds


def _corrupt_signatures(path: str):
    """Breaks every RRSIG that does not cover DNSKEY, keeping the base64 well formed."""
    out = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) > 5 and parts[3] == "RRSIG" and parts[4] != "DNSKEY":
                raw = bytearray(base64.b64decode("".join(parts[12:])))
                raw[len(raw) // 2] ^= 0x5A
                line = "\t".join(parts[:12] + [base64.b64encode(bytes(raw)).decode()]) + "\n"
            out.append(line)
    with open(path, "w") as f:
        f.writelines(out)


# ---------------------------------------------------------------- the fixture

class DNSFixture:
    def __init__(self, directory: str, spec):
        self.dir = os.path.abspath(directory)
        if isinstance(spec, (str, os.PathLike)):
            with open(spec) as f:
                spec = json.load(f)
        self.spec = spec or {}
        self.nsd = None        # (ip, port)
        self.resolver = None   # (ip, port)
        self.pids = []

    # -- public API

    @property
    def resolver_address(self) -> str:
        return f"{self.resolver[0]}:{self.resolver[1]}"

    def start(self) -> str:
        missing = [t for t in TOOLS if not _which(t)]
        if missing:
            raise FixtureError(f"missing DNS tools {missing}: run scripts/setup --test (apt: nsd unbound ldnsutils)")
        os.makedirs(self.dir, exist_ok=True)
        stop(self.dir)   # leftovers of an earlier run in this DIR
        with open(LOCK_FILE, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                (self.nsd, self.resolver) = _pick_endpoints(2)
                self._write_zones()
                self._start_nsd()
                self._start_unbound()
                self._save_state()
                self._wait_ready()
            except BaseException:
                self.stop()
                raise
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        with open(os.path.join(self.dir, "resolv.conf"), "w") as f:
            f.write(f"nameserver {self.resolver[0]}\noptions edns0 trust-ad\n")
        return self.resolver_address

    def stop(self):
        for pid in self.pids:
            _kill_pid(pid, self.dir)
        stop(self.dir)
        self.pids = []

    def info(self) -> dict:
        return {"resolver": self.resolver_address, "pids": self.pids,
                "nsd": f"{self.nsd[0]}:{self.nsd[1]}", "resolv_conf": os.path.join(self.dir, "resolv.conf")}

    # -- zones

    def _zones(self) -> list:
        zones = self.spec.get("zones", [])
        if isinstance(zones, dict):
            zones = [dict(z, name=n) for n, z in zones.items()]
        for z in zones:
            name = _fqdn(z["name"])
            if not name.endswith(".test.") or name == "test.":
                raise FixtureError(f"zone {z['name']} is not a child of test.")
            if z.get("dnssec", "signed") not in ("signed", "unsigned", "bogus"):
                raise FixtureError(f"zone {name}: dnssec must be signed, unsigned or bogus")
        return zones

    def _write_zones(self):
        ttl = int(self.spec.get("ttl", 300))
        negative = int(self.spec.get("negative_ttl", 60))
        zones_dir = os.path.join(self.dir, "zones")
        os.makedirs(zones_dir, exist_ok=True)
        for old in os.listdir(zones_dir):
            os.unlink(os.path.join(zones_dir, old))
        parent = ["$ORIGIN test."] + _soa_and_ns(ttl, negative) + [f"ns A {self.nsd[0]}"]
        self.zone_files = {}
        for z in self._zones():
            name = _fqdn(z["name"])
            mode = z.get("dnssec", "signed")
            lines = [f"$ORIGIN {name}"] + _soa_and_ns(ttl, int(z.get("negative_ttl", negative))) + list(z.get("records", []))
            path = name + "zone"
            with open(os.path.join(zones_dir, path), "w") as f:
                f.write("\n".join(lines) + "\n")
            parent.append(f"{name} NS ns.test.")
            if mode in ("signed", "bogus"):
                path, ds = _sign(path, name, zones_dir)
                parent.append(ds)
                if mode == "bogus":
                    _corrupt_signatures(os.path.join(zones_dir, path))
            self.zone_files[name] = path
        parent += list(self.spec.get("records", []))
        with open(os.path.join(zones_dir, "test.zone"), "w") as f:
            f.write("\n".join(parent) + "\n")
        signed, ds = _sign("test.zone", "test.", zones_dir)
        self.zone_files["test."] = signed
        with open(os.path.join(self.dir, "trust-anchor.ds"), "w") as f:
            f.write(ds + "\n")

    # -- daemons

    def _spawn(self, args, log_name):
        log = open(os.path.join(self.dir, log_name), "ab")
        proc = subprocess.Popen(args, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
        log.close()
        self.pids.append(proc.pid)
        return proc

    def _start_nsd(self):
        conf = os.path.join(self.dir, "nsd.conf")
        ip, port = self.nsd
        lines = [
            "server:",
            f"  ip-address: {ip}",
            f"  port: {port}",
            "  do-ip6: no",
            f"  zonesdir: \"{os.path.join(self.dir, 'zones')}\"",
            f"  pidfile: \"{os.path.join(self.dir, 'nsd.pid')}\"",
            f"  logfile: \"{os.path.join(self.dir, 'nsd.log')}\"",
            f"  xfrdfile: \"{os.path.join(self.dir, 'xfrd.state')}\"",
            f"  zonelistfile: \"{os.path.join(self.dir, 'zone.list')}\"",
            f"  xfrdir: \"{self.dir}\"",
            "  database: \"\"",
            "  username: \"\"",
            "  chroot: \"\"",
            "  server-count: 1",
            "  verbosity: 1",
            "remote-control:",
            "  control-enable: no",
        ]
        for name, path in self.zone_files.items():
            lines += ["zone:", f"  name: \"{name}\"", f"  zonefile: \"{path}\""]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        _run(["nsd-checkconf", conf], self.dir) if _which("nsd-checkconf") else None
        self._spawn(["nsd", "-d", "-c", conf], "nsd.out")

    def _start_unbound(self):
        conf = os.path.join(self.dir, "unbound.conf")
        ip, port = self.resolver
        lines = [
            "server:",
            f"  interface: {ip}",
            f"  port: {port}",
            "  interface-automatic: no",
            "  do-ip6: no",
            "  num-threads: 1",
            f"  directory: \"{self.dir}\"",
            "  chroot: \"\"",
            "  username: \"\"",
            f"  pidfile: \"{os.path.join(self.dir, 'unbound.pid')}\"",
            f"  logfile: \"{os.path.join(self.dir, 'unbound.log')}\"",
            "  use-syslog: no",
            "  verbosity: 1",
            "  val-log-level: 2",
            "  log-servfail: yes",
            "  access-control: 127.0.0.0/8 allow",
            "  do-not-query-localhost: no",
            "  local-zone: \"test.\" nodefault",
            "  module-config: \"validator iterator\"",
            f"  trust-anchor-file: \"{os.path.join(self.dir, 'trust-anchor.ds')}\"",
            "  msg-cache-size: 1m",
            "  rrset-cache-size: 2m",
            "  key-cache-size: 1m",
            "  neg-cache-size: 1m",
            "remote-control:",
            "  control-enable: no",
            "stub-zone:",
            "  name: \"test.\"",
            f"  stub-addr: {self.nsd[0]}@{self.nsd[1]}",
        ]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        if _which("unbound-checkconf"):
            _run(["unbound-checkconf", conf], self.dir)
        self._spawn(["unbound", "-d", "-c", conf], "unbound.out")

    def _save_state(self):
        with open(os.path.join(self.dir, STATE_FILE), "w") as f:
            json.dump(self.info(), f)

    def _wait_ready(self, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        stage = "nsd"
        while time.monotonic() < deadline:
            for pid in self.pids:
                if not procs.pid_alive(pid):
                    raise FixtureError(f"a DNS daemon (pid {pid}) exited at start:\n{self._log_tails()}")
            if stage == "nsd":
                answer = _query(*self.nsd, "test.", 6, timeout=0.5)
                if answer and answer[0] == 0:
                    stage = "unbound"
            else:
                answer = _query(*self.resolver, "test.", 6, timeout=0.5)
                if answer and answer[0] == 0 and answer[1]:
                    return
            time.sleep(0.1)
        raise FixtureError(f"timed out waiting for {stage} to answer (validated) for test.:\n{self._log_tails()}")

    def _log_tails(self) -> str:
        out = []
        for name in ("nsd.log", "nsd.out", "unbound.log", "unbound.out"):
            try:
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    out.append(f"--- {name}\n" + "".join(f.readlines()[-15:]))
            except OSError:
                pass
        return "\n".join(out)


def _which(tool: str) -> bool:
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]:
        if os.access(os.path.join(d, tool), os.X_OK):
            return True
    return False


def stop(directory: str):
    """Kills the daemons a fixture started in directory (by the PIDs it recorded)."""
    directory = os.path.abspath(directory)
    path = os.path.join(directory, STATE_FILE)
    try:
        with open(path) as f:
            pids = json.load(f).get("pids", [])
    except (OSError, ValueError):
        return
    for pid in pids:
        _kill_pid(int(pid), directory)
    try:
        os.unlink(path)
    except OSError:
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="nsd + validating unbound on loopback for tests")
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start")
    p_start.add_argument("--dir", required=True)
    p_start.add_argument("--spec", required=True)
    p_stop = sub.add_parser("stop")
    p_stop.add_argument("--dir", required=True)
    args = parser.parse_args(argv)
    if args.command == "stop":
        stop(args.dir)
        return 0
    fixture = DNSFixture(args.dir, args.spec)
    try:
        fixture.start()
    except FixtureError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(json.dumps(fixture.info()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
