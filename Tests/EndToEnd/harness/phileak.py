# The PHI-leak sweep at the end of an e2e run (issue 13 item 5): every file the gateway wrote that
# must never hold PHI (its logs, audit stores, outboxes and exports, and the DSNs and reports it
# sent) is searched for every SSN the run made up, in each spelling. Delivered mail is not searched:
# carrying PHI over verified TLS, encrypted or through the portal is the gateway's job.
import os

from .policyfiles import ssn_forms

# Files of these kinds hold what the gateway wrote about mail, never the mail itself.
KEPT_NAMES = ("sealgate.log",)
KEPT_SUFFIXES = (".log", ".sqlite", ".sqlite-wal", ".outbox", ".jsonl", ".csv", ".tar", ".prom")
SINK_DUMPS = "sink-dump"
# The recipient's side: the test browser shows the portal message (its driver logs the pages).
NOT_GATEWAY = {"browser"}
REPORT_MARKERS = (b"multipart/report", b"report-type=delivery-status")


def swept_files(top: str):
    """The files under `top` the sweep reads: gateway output, plus DSNs and reports at the sinks."""
    for root, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d not in NOT_GATEWAY]
        at_sink = SINK_DUMPS in root.split(os.sep)
        for name in names:
            path = os.path.join(root, name)
            if at_sink:
                try:
                    with open(path, "rb") as f:
                        head = f.read(8192)
                except OSError:
                    continue
                if any(m in head for m in REPORT_MARKERS):
                    yield path
            elif name in KEPT_NAMES or name.endswith(KEPT_SUFFIXES):
                yield path


def sweep(top: str, ssns: list) -> tuple[int, list]:
    """(files read, [(path, ssn)] for every hit)."""
    forms = [(ssn, form) for ssn in set(ssns) for form in ssn_forms(ssn)]
    files, hits = 0, []
    for path in swept_files(top):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        files += 1
        for ssn, form in forms:
            if form in data:
                hits.append((path, ssn))
                break
    return files, hits
