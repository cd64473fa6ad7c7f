#!/usr/bin/env python3
# Verifies every DKIM-Signature of a message with dkimpy (the oracle), taking the key records
# from the command line instead of DNS. Exit 0 when all verify, 1 when any fails, 2 on misuse.
"""Usage: verify_dkim.py MESSAGE_FILE NAME=TXT [NAME=TXT ...]

NAME is the record owner, e.g. s2026._domainkey.example.org (no final dot); TXT is the record
value (v=DKIM1; k=...; p=...). Prints one line per signature: "<index> <d> <s> <a> ok|FAIL".
With --canon-body FILE..., prints instead, one line per file, the hex of dkimpy's relaxed body
canonicalisation of the file's bytes taken as a body, to compare with ours.
"""
import sys

import dkim
from dkim.canonicalization import Relaxed
from dkim.util import parse_tag_value


def main(argv):
    if len(argv) >= 2 and argv[0] == "--canon-body":
        for path in argv[1:]:
            with open(path, "rb") as f:
                sys.stdout.write(Relaxed.canonicalize_body(f.read()).hex() + "\n")
        return 0
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[0], "rb") as f:
        message = f.read()
    records = {}
    for arg in argv[1:]:
        name, _, txt = arg.partition("=")
        records[name.lower().rstrip(".")] = txt.encode()

    def dnsfunc(name, timeout=5):
        key = name.decode() if isinstance(name, bytes) else name
        return records.get(key.lower().rstrip("."))

    d = dkim.DKIM(message)
    count = len([h for h in d.headers if h[0].lower() == b"dkim-signature"])
    if count == 0:
        print("no DKIM-Signature")
        return 1
    all_ok = True
    for index in range(count):
        try:
            ok = d.verify(idx=index, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            sys.stderr.write(f"signature {index}: {e}\n")
            ok = False
        sig = parse_tag_value(d.headers[[i for i, h in enumerate(d.headers)
                                         if h[0].lower() == b"dkim-signature"][index]][1])
        print(index, sig.get(b"d", b"").decode(), sig.get(b"s", b"").decode(),
              sig.get(b"a", b"").decode(), "ok" if ok else "FAIL")
        all_ok = all_ok and ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
