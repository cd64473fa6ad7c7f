# A DNS fault injector between Sealgate and the test world's validating resolver: forwards UDP
# and TCP queries, except the ones a test picks, which it swallows (a timeout) or answers SERVFAIL.
import socket
import struct
import threading

from .net import free_port, next_ip

FORWARD, DROP, SERVFAIL = "forward", "drop", "servfail"
QTYPES = {"A": 1, "MX": 15, "TXT": 16, "AAAA": 28, "TLSA": 52}


def question(packet: bytes) -> tuple[str, int]:
    """(lower-case name, qtype) of the first question; ("", 0) when unreadable."""
    try:
        i, labels = 12, []
        while packet[i]:
            n = packet[i]
            labels.append(packet[i + 1:i + 1 + n].decode("ascii", "replace").lower())
            i += 1 + n
        return ".".join(labels), struct.unpack("!H", packet[i + 1:i + 3])[0]
    except (IndexError, struct.error):
        return "", 0


def servfail(query: bytes) -> bytes:
    """The query turned into its SERVFAIL answer: same ID and question, QR set, RCODE 2."""
    flags = struct.unpack("!H", query[2:4])[0]
    flags = (flags | 0x8000 | 0x0080) & ~0x000F | 0x0002   # QR, RA, RCODE=SERVFAIL
    end = 12
    while query[end]:
        end += 1 + query[end]
    end += 5
    return query[:2] + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + query[12:end]


class DNSFault:
    """Listens on 127.0.0.N:port (`address`), forwarding to `upstream` ("ip:port"). `rule(name, qtype)`
    says what to do with a query (FORWARD, DROP or SERVFAIL); set `self.rule` to change it mid-test.
    `seen` counts the queries that a rule other than FORWARD caught."""

    def __init__(self, upstream: str):
        host, _, port = upstream.rpartition(":")
        self.upstream = (host, int(port))
        self.ip = next_ip()
        self.port = free_port(self.ip)
        self.rule = lambda name, qtype: FORWARD
        self.caught = 0
        self._stop = threading.Event()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((self.ip, self.port))
        self.udp.settimeout(0.2)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((self.ip, self.port))
        self.tcp.listen(16)
        self.tcp.settimeout(0.2)
        self.threads = [threading.Thread(target=self._serve_udp, daemon=True),
                        threading.Thread(target=self._serve_tcp, daemon=True)]
        for t in self.threads:
            t.start()

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    def _decide(self, query: bytes) -> str:
        action = self.rule(*question(query))
        if action != FORWARD:
            self.caught += 1
        return action

    def _ask_upstream_udp(self, query: bytes) -> bytes | None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(query, self.upstream)
            try:
                return s.recv(65535)
            except socket.timeout:
                return None

    def _serve_udp(self):
        while not self._stop.is_set():
            try:
                query, client = self.udp.recvfrom(65535)
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._answer_udp, args=(query, client), daemon=True).start()

    def _answer_udp(self, query: bytes, client):
        action = self._decide(query)
        answer = servfail(query) if action == SERVFAIL else self._ask_upstream_udp(query) if action == FORWARD else None
        if answer is not None:
            try:
                self.udp.sendto(answer, client)
            except OSError:
                pass

    def _serve_tcp(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._answer_tcp, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_framed(conn) -> bytes | None:
        head = b""
        while len(head) < 2:
            chunk = conn.recv(2 - len(head))
            if not chunk:
                return None
            head += chunk
        n, body = struct.unpack("!H", head)[0], b""
        while len(body) < n:
            chunk = conn.recv(n - len(body))
            if not chunk:
                return None
            body += chunk
        return body

    def _answer_tcp(self, conn):
        with conn:
            conn.settimeout(10)
            try:
                query = self._read_framed(conn)
                if query is None:
                    return
                action = self._decide(query)
                if action == DROP:
                    self._stop.wait(10)
                    return
                if action == SERVFAIL:
                    answer = servfail(query)
                else:
                    with socket.create_connection(self.upstream, timeout=5) as up:
                        up.sendall(struct.pack("!H", len(query)) + query)
                        answer = self._read_framed(up)
                if answer is not None:
                    conn.sendall(struct.pack("!H", len(answer)) + answer)
            except OSError:
                pass

    def stop(self):
        self._stop.set()
        for s in (self.udp, self.tcp):
            s.close()
        for t in self.threads:
            t.join(timeout=2)
