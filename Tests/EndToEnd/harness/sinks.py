# The smarthosts the gateway delivers to: Postfix's smtp-sink (messages dumped to files with
# `-d`) and PySink, a tiny in-process SMTP server that keeps exact bytes and can reject RCPTs.
import os
import re
import socket
import socketserver
import subprocess
import threading
import time
from dataclasses import dataclass, field

from . import net, procs
from .net import port_is_open


@dataclass
class Received:
    """One message as the smarthost saw it. `data` is the DATA payload, dot-unstuffed, without
    the final '.' line. smtp-sink stores lines with LF endings, so its `data` has LF endings and
    `lf_only` is True; PySink keeps the exact CRLF bytes."""
    mail_from: str
    rcpts: list
    data: bytes
    lf_only: bool
    client_addr: str = ""
    helo: str = ""
    mail_args: str = ""
    rcpt_args: list = field(default_factory=list)
    path: str = ""


_ANGLE = re.compile(r"<([^>]*)>")


def _addr(args: str) -> str:
    m = _ANGLE.search(args)
    return m.group(1) if m else args.split()[0] if args.split() else ""


class SmtpSink:
    """smtp-sink on ip:port, dumping every transaction into its own file under `dump_dir`.
    Start and stop it at will (a smarthost that is down, then up) on the same address."""

    def __init__(self, ip: str, port: int, workdir: str, extra_args=()):
        self.ip, self.port = ip, port
        self.dump_dir = os.path.join(workdir, "sink-dump")
        self.log_path = os.path.join(workdir, "sink.log")
        self.extra_args = list(extra_args)
        os.makedirs(self.dump_dir, exist_ok=True)
        self.proc = None

    @property
    def smarthost(self) -> str:
        return f"[{self.ip}]:{self.port}"

    def start(self):
        assert self.proc is None or self.proc.poll() is not None, "smtp-sink already running"
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["smtp-sink", "-u", "root", "-4", *self.extra_args,
             "-d", os.path.join(self.dump_dir, "%Y%m%d%H%M%S."), f"{self.ip}:{self.port}", "64"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        procs.wait_until(lambda: self.proc.poll() is not None or port_is_open(self.ip, self.port),
                         10, f"smtp-sink on {self.ip}:{self.port}")
        assert self.proc.poll() is None, f"smtp-sink exited: {open(self.log_path).read()}"
        return self

    def stop(self):
        if self.proc is not None:
            procs.stop_popen(self.proc, grace=5)

    def _complete_files(self):
        now = time.time()
        out = []
        for name in sorted(os.listdir(self.dump_dir)):
            p = os.path.join(self.dump_dir, name)
            st = os.stat(p)
            # smtp-sink writes the file while DATA streams in: take it once it has settled.
            if now - st.st_mtime >= 0.3 and st.st_size > 0:
                out.append(p)
        return out

    def messages(self) -> list:
        return [parse_sink_dump(p) for p in self._complete_files()]

    def count(self) -> int:
        return len(os.listdir(self.dump_dir))

    def wait_for(self, n: int = 1, timeout: float = 20) -> list:
        procs.wait_until(lambda: len(self._complete_files()) >= n, timeout,
                         f"{n} message(s) at smtp-sink {self.smarthost}")
        return self.messages()


def parse_sink_dump(path: str) -> Received:
    raw = open(path, "rb").read()
    lines = raw.split(b"\n")
    meta = {"X-Rcpt-Args": []}
    i = 0
    while i < len(lines) and lines[i].startswith(b"X-"):
        k, _, v = lines[i].decode("utf-8", "replace").partition(": ")
        if k == "X-Rcpt-Args":
            meta[k].append(v)
        else:
            meta[k] = v
        i += 1
    assert lines[i].startswith(b"Received: from ") and b"(smtp-sink)" in lines[i + 1], \
        f"unexpected smtp-sink dump format in {path}"
    i += 1
    while lines[i].startswith(b"\t"):
        i += 1
    body = b"\n".join(lines[i:])
    # The dump ends with one empty line after the message.
    assert body.endswith(b"\n\n") or body == b"\n", f"truncated dump {path}"
    body = body[:-1]
    return Received(mail_from=_addr(meta.get("X-Mail-Args", "")),
                    rcpts=[_addr(a) for a in meta["X-Rcpt-Args"]], data=body, lf_only=True,
                    client_addr=meta.get("X-Client-Addr", ""), helo=meta.get("X-Helo-Args", ""),
                    mail_args=meta.get("X-Mail-Args", ""), rcpt_args=meta["X-Rcpt-Args"], path=path)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, text: str):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink: PySink = self.server.sink
        sink.connections += 1
        self.reply(f"220 {sink.name} ESMTP PySink")
        helo, mail_from, mail_args, rcpts, rcpt_args = "", None, "", [], []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, arg = cmd.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                helo = arg
                self.reply(f"250-{sink.name}\r\n250-8BITMIME\r\n250-SIZE 0\r\n250-SMTPUTF8\r\n"
                           "250 ENHANCEDSTATUSCODES")
            elif verb == "HELO":
                helo = arg
                self.reply(f"250 {sink.name}")
            elif verb == "MAIL":
                mail_from, mail_args, rcpts, rcpt_args = _addr(arg.partition(":")[2]), arg, [], []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 5.5.1 Error: need MAIL command")
                    continue
                a = _addr(arg.partition(":")[2])
                rejection = sink.reject.get(a.lower())
                if rejection:
                    sink.rejected.append(a)
                    self.reply(rejection)
                else:
                    rcpts.append(a)
                    rcpt_args.append(arg)
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("554 5.5.1 Error: no valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    l = self.rfile.readline(1 << 20)
                    if not l:
                        return
                    if l == b".\r\n":
                        break
                    chunks.append(l[1:] if l.startswith(b".") else l)
                with sink.lock:
                    sink.received.append(Received(
                        mail_from=mail_from, rcpts=rcpts, data=b"".join(chunks), lf_only=False,
                        client_addr=self.client_address[0], helo=helo, mail_args=mail_args,
                        rcpt_args=rcpt_args))
                self.reply("250 2.0.0 Ok: queued by PySink")
                mail_from, rcpts = None, []
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class PySink:
    """An SMTP smarthost in this process. reject maps a lowercase recipient address to the
    reply its RCPT gets (e.g. '550 5.1.1 <x>: Recipient address rejected')."""

    def __init__(self, ip: str, port: int, reject=None, name="pysink.example.test"):
        self.ip, self.port, self.name = ip, port, name
        self.reject = {k.lower(): v for k, v in (reject or {}).items()}
        self.received, self.rejected, self.connections = [], [], 0
        self.lock = threading.Lock()
        self.server = None

    @property
    def smarthost(self) -> str:
        return f"[{self.ip}]:{self.port}"

    def start(self):
        self.server = _Server((self.ip, self.port), _Handler)
        self.server.sink = self
        net.serve_in_thread(self.server)
        return self

    def stop(self):
        net.stop_server(self.server)
        self.server = None

    def messages(self) -> list:
        with self.lock:
            return list(self.received)

    def wait_for(self, n: int = 1, timeout: float = 20) -> list:
        procs.wait_until(lambda: len(self.messages()) >= n, timeout,
                         f"{n} message(s) at PySink {self.smarthost}")
        return self.messages()
