# SMTP clients for tests: RawSMTP speaks the protocol line by line over a plain socket (so a
# test can pipeline, inject, or send bare LFs), plus swaks and TLS-context helpers.
import re
import socket
import ssl
import subprocess
from dataclasses import dataclass

QUEUED_AS = re.compile(r"250 2\.0\.0 Ok: queued as ([0-9BCDFGHJKLMNPQRSTVWXYZ]{18})\b")


@dataclass
class Reply:
    code: int
    lines: list  # text after the code on each line

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def enhanced(self) -> str:
        m = re.match(r"([245]\.\d{1,3}\.\d{1,3})\b", self.lines[0] if self.lines else "")
        return m.group(1) if m else ""

    @property
    def keywords(self) -> list:
        """EHLO keywords (upper case, first word of each line after the greeting line)."""
        return [l.split()[0].upper() for l in self.lines[1:] if l.split()]

    def __str__(self):
        return "\n".join(f"{self.code} {l}" for l in self.lines)


def client_context(cafile: str, verify_hostname: bool = False) -> ssl.SSLContext:
    """Verifies the server's chain against the test CA (host names are 127.0.0.N, so the name
    check is optional)."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = verify_hostname
    return ctx


class RawSMTP:
    def __init__(self, host: str, port: int, source_ip: str | None = None, timeout: float = 20):
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source_ip, 0) if source_ip else None)
        self.buf = b""
        self.host = host
        self.greeting = self.reply()

    # --- reading ---------------------------------------------------------------------------

    def _line(self) -> bytes:
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"connection closed by server (pending: {self.buf!r})")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def reply(self) -> Reply:
        lines, code = [], None
        while True:
            raw = self._line().decode("utf-8", "replace")
            m = re.match(r"(\d{3})([ -])(.*)", raw)
            assert m, f"malformed reply line {raw!r}"
            code = int(m.group(1))
            lines.append(m.group(3))
            if m.group(2) == " ":
                return Reply(code, lines)

    def reply_or_closed(self):
        """The next reply, or None when the server closed the connection."""
        try:
            return self.reply()
        except (ConnectionError, OSError):
            return None

    # --- writing ---------------------------------------------------------------------------

    def send(self, data: bytes):
        self.sock.sendall(data)

    def cmd(self, line: str) -> Reply:
        self.send(line.encode() + b"\r\n")
        return self.reply()

    def ehlo(self, name: str = "client.example") -> Reply:
        return self.cmd(f"EHLO {name}")

    def starttls(self, ctx: ssl.SSLContext, server_hostname=None) -> Reply:
        r = self.cmd("STARTTLS")
        if r.code == 220:
            self.upgrade(ctx, server_hostname)
        return r

    def upgrade(self, ctx: ssl.SSLContext, server_hostname=None):
        """Start TLS on the socket. Plaintext the server sent after its 220 would be in
        self.buf; a correct server sends none, and we drop nothing silently."""
        assert self.buf == b"", f"server sent plaintext after 220: {self.buf!r}"
        self.sock = ctx.wrap_socket(self.sock, server_hostname=server_hostname or None)

    def data(self, message: bytes) -> Reply:
        """DATA with dot-stuffing; message must end with CRLF. Returns the final reply
        (or the DATA reply when it was not 354)."""
        r = self.cmd("DATA")
        if r.code != 354:
            return r
        self.send(dot_stuff(message) + b".\r\n")
        return self.reply()

    def send_mail(self, sender: str, rcpts: list, message: bytes, mail_params: str = "") -> Reply:
        r = self.cmd(f"MAIL FROM:<{sender}>{' ' + mail_params if mail_params else ''}")
        if r.code != 250:
            return r
        for a in rcpts:
            r = self.cmd(f"RCPT TO:<{a}>")
            if r.code != 250:
                return r
        return self.data(message)

    def tls_cipher(self):
        return self.sock.cipher() if isinstance(self.sock, ssl.SSLSocket) else None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def dot_stuff(message: bytes) -> bytes:
    assert message.endswith(b"\r\n"), "message must end with CRLF"
    lines = message.split(b"\r\n")
    return b"\r\n".join(b"." + l if l.startswith(b".") else l for l in lines)


def queue_id(text: str) -> str:
    m = QUEUED_AS.search(text)
    assert m, f"no '250 2.0.0 Ok: queued as <QUEUEID>' in:\n{text}"
    return m.group(1)


def swaks(*args, timeout=60) -> subprocess.CompletedProcess:
    """Runs swaks; its transcript (stdout+stderr) is in .stdout."""
    return subprocess.run(["swaks", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)


def swaks_data_file(path, message: bytes) -> str:
    """Writes message for swaks --data. swaks always adds CRLF before the final '.', so the
    file holds the message without its last CRLF and swaks sends exactly `message`."""
    assert message.endswith(b"\r\n")
    with open(path, "wb") as f:
        f.write(message[:-2])
    return str(path)


SWAKS_TLS = re.compile(r"TLS started with cipher (TLSv[\d.]+):([^:\s]+):(\d+)")
