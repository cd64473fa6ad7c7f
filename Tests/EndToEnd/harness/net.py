# Hands out loopback addresses and free ports so that every fixture and test gets its own
# 127.0.0.N (N >= 10) and never collides with another, even across runs that overlap.
import itertools
import os
import socket
import threading

_lock = threading.Lock()
# Start at a PID-dependent offset so two suites running at once rarely pick the same address.
_counter = itertools.count((os.getpid() * 7) % 200)


def next_ip() -> str:
    """A fresh 127.0.0.N address with 10 <= N <= 249 (127.0.0.1 is left to humans)."""
    with _lock:
        n = next(_counter)
    return f"127.0.0.{10 + n % 240}"


def free_port(ip: str) -> int:
    """A TCP port that is free on ip right now (bound and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def endpoint() -> tuple[str, int]:
    """A fresh (ip, port) pair."""
    ip = next_ip()
    return ip, free_port(ip)


def port_is_open(ip: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((ip, port), timeout=timeout):
            return True
    except OSError:
        return False


def serve_in_thread(server):
    """Runs a socketserver's serve_forever on a daemon thread; returns the server."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_server(server) -> None:
    """Stops a server started by serve_in_thread and closes its socket (None: nothing to do)."""
    if server:
        server.shutdown()
        server.server_close()
