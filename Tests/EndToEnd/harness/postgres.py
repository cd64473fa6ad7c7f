# A private PostgreSQL 15 cluster for the multi-node tests: initdb as the postgres user in a temp
# dir, pg_ctl start on a loopback port, stopped by its postmaster's PID (never by name).
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from . import procs
from .net import free_port

BIN = "/usr/lib/postgresql/15/bin"
SUPERUSER_PASSWORD = "sealgate-e2e-superuser"


class PostgresCluster:
    def __init__(self):
        # Fail loudly: scripts/setup --test installs Debian's postgresql package.
        assert os.access(f"{BIN}/initdb", os.X_OK), \
            f"PostgreSQL 15 server binaries not found in {BIN}: run scripts/setup --test"
        self.dir = tempfile.mkdtemp(prefix="sealgate-pg-")
        self.port = free_port("127.0.0.1")
        self.pid = 0
        pw = pwd.getpwnam("postgres")
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        pwfile = os.path.join(self.dir, "superuser.pw")
        with open(pwfile, "w") as f:
            f.write(SUPERUSER_PASSWORD)
        os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._as_postgres("initdb", "-D", self.data, "-U", "postgres", "--auth=scram-sha-256",
                          f"--pwfile={pwfile}", "--no-sync", "--encoding=UTF8", "--locale=C")
        self.start()

    @property
    def data(self) -> str:
        return os.path.join(self.dir, "data")

    def _as_postgres(self, tool, *args):
        r = subprocess.run(["runuser", "-u", "postgres", "--", f"{BIN}/{tool}", *args], cwd=self.dir,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        assert r.returncode == 0, f"{tool} failed: {r.stdout.decode(errors='replace')}"

    def start(self):
        log = os.path.join(self.dir, "server.log")
        # pg_ctl leaves the postmaster running: its output goes to the log file, not to our pipe.
        r = subprocess.run(["runuser", "-u", "postgres", "--", f"{BIN}/pg_ctl", "-D", self.data, "-l", log, "-w",
                            "-t", "30", "-o", f"-k {self.dir} -p {self.port} -h 127.0.0.1 -c fsync=off", "start"],
                           cwd=self.dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        assert r.returncode == 0, f"pg_ctl start failed; server log:\n{open(log).read()[-2000:]}"
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            self.pid = int(f.readline())

    def stop(self):
        """Fast shutdown by the postmaster's PID; waits until it is gone."""
        if not self.pid:
            return
        os.kill(self.pid, signal.SIGINT)
        procs.wait_until(lambda: not procs.pid_alive(self.pid), 30, "the test PostgreSQL to stop")
        self.pid = 0

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, user: str, db: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}?sslmode=disable"

    def psql(self, sql: str, db: str = "postgres", user: str = "postgres",
             password: str = SUPERUSER_PASSWORD) -> str:
        r = subprocess.run([f"{BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                            "-p", str(self.port), "-U", user, "-d", db, "-c", sql],
                           env={"PGPASSWORD": password, "PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"psql {sql!r}: {r.stderr}"
        return r.stdout.strip()

    def superuser_password_file(self, directory: str) -> str:
        path = os.path.join(directory, "postgres.pw")
        with open(path, "w") as f:
            f.write(SUPERUSER_PASSWORD + "\n")
        os.chmod(path, 0o600)
        return path


@contextlib.contextmanager
def cluster_with_role(role: str, password: str, *setup_sql: str):
    """A private cluster with one login role (and any setup SQL run as the superuser), destroyed after."""
    cluster = PostgresCluster()
    try:
        cluster.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        for sql in setup_sql:
            cluster.psql(sql)
        yield cluster
    finally:
        cluster.destroy()
