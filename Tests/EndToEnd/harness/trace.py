# Reads an `strace -f -yy -s 200` log into an ordered list of completed syscalls, so a test can
# check what happened before the 250 reply: fsync of data, rename, fsync of the directory.
import re
from dataclasses import dataclass

ENTRY = re.compile(r"^(?P<pid>\d+)\s+(?:\d+:\d+:\d+\.\d+\s+)?(?P<call>\w+)\((?P<args>.*?)(?P<tail>\) += (?P<ret>.*)| <unfinished \.\.\.>)$")
RESUMED = re.compile(r"^(?P<pid>\d+)\s+(?:\d+:\d+:\d+\.\d+\s+)?<\.\.\. (?P<call>\w+) resumed>(?P<args>.*?)\) += (?P<ret>.*)$")
FD_PATH = re.compile(r"^\d+<(?P<path>[^>]*)>")


@dataclass
class Call:
    index: int       # the line where it started (writes) ...
    done: int        # ... and where it completed (fsync, rename)
    pid: int
    name: str
    args: str
    ret: str

    @property
    def fd_path(self) -> str:
        m = FD_PATH.match(self.args)
        return m.group("path") if m else ""


def parse(path: str) -> list:
    calls, pending = [], {}
    for i, line in enumerate(open(path, errors="replace")):
        line = line.rstrip("\n")
        m = ENTRY.match(line)
        if m:
            if m["ret"] is not None:
                calls.append(Call(i, i, int(m["pid"]), m["call"], m["args"], m["ret"]))
            else:
                pending[(int(m["pid"]), m["call"])] = (i, m["args"])
            continue
        m = RESUMED.match(line)
        if m:
            start, args = pending.pop((int(m["pid"]), m["call"]), (i, ""))
            calls.append(Call(start, i, int(m["pid"]), m["call"], args + m["args"], m["ret"]))
    return calls
