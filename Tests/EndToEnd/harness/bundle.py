# The offline bundle recipe of docs/audit.md (between its markers), run as written with the real
# tar, sha256sum and openssl against a bundle from `sealgate audit export`.
import os
import re
import subprocess

from harness.sealgate import REPO


def recipe() -> str:
    with open(os.path.join(REPO, "docs", "audit.md")) as f:
        doc = f.read()
    m = re.search(r"<!-- bundle-recipe -->\n```sh\n(.*?)```\n<!-- /bundle-recipe -->", doc, re.S)
    assert m, "docs/audit.md has no bundle recipe between its markers"
    return m.group(1)


def run_recipe(bundle: str, workdir: str) -> subprocess.CompletedProcess:
    """The recipe in a new empty `workdir`, with `bundle` in place of the documented file name."""
    os.makedirs(workdir)
    script = recipe().replace("../audit-2026-11.tar", bundle)
    return subprocess.run(["bash", "-c", script], cwd=workdir, capture_output=True, text=True, timeout=60)
