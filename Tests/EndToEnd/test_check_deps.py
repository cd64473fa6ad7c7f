# scripts/check-deps against a copy of the tree: it passes on the tree as it is and fails, naming
# file and line, on a stray import, an unused declaration, or an import the architecture forbids.
import copy
import json
import os
import shutil
import subprocess

import pytest

from harness.sealgate import REPO

CHECK = os.path.join(REPO, "scripts", "check-deps")


@pytest.fixture(scope="module")
def dumped_package(tmp_path_factory):
    out = subprocess.run(["swift", "package", "--scratch-path", str(tmp_path_factory.mktemp("scratch")),
                          "dump-package"], cwd=REPO, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout)


@pytest.fixture
def package_json(dumped_package):
    """A copy each test may change."""
    return copy.deepcopy(dumped_package)


@pytest.fixture
def tree(tmp_path):
    for part in ("Sources", "Tests"):
        shutil.copytree(os.path.join(REPO, part), tmp_path / part,
                        ignore=shutil.ignore_patterns("*.py", "Corpus", "__pycache__"))
    (tmp_path / "docs").mkdir()
    shutil.copy(os.path.join(REPO, "docs", "architecture.md"), tmp_path / "docs")
    return tmp_path


def run(tree, package):
    path = tree / "package.json"
    path.write_text(json.dumps(package))
    return subprocess.run([CHECK, "--root", str(tree), "--package-json", str(path)],
                          capture_output=True, text=True, timeout=120)


def target(package, name):
    return next(t for t in package["targets"] if t["name"] == name)


def first_swift_file(tree, name):
    directory = tree / "Sources" / name
    return sorted(p for p in directory.rglob("*.swift"))[0]


def add_import(path, module):
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(2, f"import {module}\n")  # after the two-line purpose comment
    path.write_text("".join(lines))
    return 3


def test_the_tree_as_it_is_passes(tree, package_json):
    result = run(tree, package_json)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every import is declared" in result.stdout


def test_an_undeclared_import_fails_with_its_file_and_line(tree, package_json):
    path = first_swift_file(tree, "MIME")
    line = add_import(path, "GRDB")
    result = run(tree, package_json)
    assert result.returncode == 1
    rel = os.path.relpath(path, tree)
    assert f"{rel}:{line}: MIME imports GRDB, which Package.swift does not declare for it" in result.stdout


def test_an_import_the_architecture_forbids_fails_even_when_declared(tree, package_json):
    path = first_swift_file(tree, "MIME")
    line = add_import(path, "Audit")
    target(package_json, "MIME")["dependencies"].append({"byName": ["Audit", None]})
    result = run(tree, package_json)
    assert result.returncode == 1
    rel = os.path.relpath(path, tree)
    assert f"{rel}:{line}: MIME imports Audit, which docs/architecture.md does not let it import" in result.stdout
    assert "does not declare" not in result.stdout


def test_a_declared_dependency_nobody_imports_fails(tree, package_json):
    target(package_json, "MIME")["dependencies"].append({"byName": ["Policy", None]})
    result = run(tree, package_json)
    assert result.returncode == 1
    assert "Package.swift: MIME declares Policy but no file of it imports it" in result.stdout


def test_a_target_missing_from_the_table_fails(tree, package_json):
    doc = tree / "docs" / "architecture.md"
    doc.write_text("\n".join(l for l in doc.read_text().splitlines() if not l.startswith("| Policy ")))
    result = run(tree, package_json)
    assert result.returncode == 1
    assert "docs/architecture.md: target Policy is not a row of the table" in result.stdout


def test_a_row_allowing_a_later_row_fails(tree, package_json):
    doc = tree / "docs" / "architecture.md"
    text = doc.read_text().splitlines()
    for i, line in enumerate(text):
        if line.startswith("| MIME "):
            cells = line.split("|")
            cells[-2] = " MailCore, Gateway "
            text[i] = "|".join(cells)
    doc.write_text("\n".join(text))
    result = run(tree, package_json)
    assert result.returncode == 1
    assert "docs/architecture.md: MIME may import Gateway, which is not an earlier row" in result.stdout


@pytest.mark.parametrize("line", ["public import GRDB", "package import GRDB", "@preconcurrency internal import GRDB",
                                  "/* a note */ import GRDB", "import struct GRDB.Row"])
def test_every_spelling_of_an_import_is_seen(tree, package_json, line):
    path = first_swift_file(tree, "MIME")
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(2, line + "\n")
    path.write_text("".join(lines))
    result = run(tree, package_json)
    assert result.returncode == 1
    assert f"{os.path.relpath(path, tree)}:3: MIME imports GRDB" in result.stdout


def test_an_import_inside_a_comment_is_not_an_import(tree, package_json):
    path = first_swift_file(tree, "MIME")
    lines = path.read_text().splitlines(keepends=True)
    lines[2:2] = ["// import GRDB\n", "/*\n", "import GRDB\n", "*/\n"]
    path.write_text("".join(lines))
    result = run(tree, package_json)
    assert result.returncode == 0, result.stdout


def test_a_reexport_is_refused(tree, package_json):
    path = sorted((tree / "Sources" / "Gateway").rglob("*.swift"))[0]
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(2, "@_exported import Delivery\n")
    path.write_text("".join(lines))
    result = run(tree, package_json)
    assert result.returncode == 1
    assert f"{os.path.relpath(path, tree)}:3: Gateway re-exports Delivery (@_exported)" in result.stdout
