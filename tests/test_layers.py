"""The import contract (issue 14, DESIGN.md "Architecture"): one direction of dependency between
the apps, checked by import-linter as `make lint` runs it.

The contract must hold on the tree as it is, and it must fail when a module imports a layer above
its own or a sibling of its layer. The failing cases run `lint-imports` on a copy of the Python
files with one offending module added, so the tree itself is never changed.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` run in `where` (its pyproject.toml, its `peerline` package first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(  # noqa: S603 (our own venv's tool, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache", "--config", str(where / "pyproject.toml")],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def copy_of_tree(tmp_path: Path) -> Path:
    """The package's Python files and the contract, copied: a module added here is not ours."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "peerline",
        tmp_path / "peerline",
        ignore=shutil.ignore_patterns("static", "templates", "__pycache__", "*.toml", "*.html"),
    )
    return tmp_path


def test_the_tree_keeps_one_direction_of_dependency():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_a_core_module_importing_the_top_layer_breaks_the_contract(copy_of_tree):
    """The core (the agency, its clock and periods) may not know the demo that seeds it."""
    (copy_of_tree / "peerline" / "agencies" / "upward.py").write_text(
        "from peerline.web import demo  # noqa\n"
    )
    result = lint_imports(copy_of_tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "peerline.agencies.upward -> peerline.web.demo" in result.stdout


def test_a_domain_app_importing_one_above_it_breaks_the_contract(copy_of_tree):
    """Statistics count contacts; contacts may not reach back into the statistics
    (the two imported each other before issue 14)."""
    (copy_of_tree / "peerline" / "contacts" / "upward.py").write_text(
        "from peerline.stats import releases  # noqa\n"
    )
    result = lint_imports(copy_of_tree)
    assert result.returncode != 0
    assert "peerline.contacts.upward -> peerline.stats.releases" in result.stdout


def test_apps_of_one_layer_may_not_import_each_other(copy_of_tree):
    """Siblings of a layer are independent (`|`), so no cycle hides among them."""
    (copy_of_tree / "peerline" / "team" / "sideways.py").write_text(
        "from peerline.signin import selectors  # noqa\n"
    )
    result = lint_imports(copy_of_tree)
    assert result.returncode != 0
    assert "peerline.team.sideways -> peerline.signin.selectors" in result.stdout


def test_a_copy_without_the_offending_module_passes(copy_of_tree):
    """The failures above come from the added module, not from copying the tree."""
    result = lint_imports(copy_of_tree)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_picture_in_docs_architecture_shows_the_contract():
    """docs/architecture.md lists the contract's layers, top first, with the same apps."""
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contract["contracts"] if c["type"] == "layers"]
    expected = [
        sorted(name.strip().removeprefix("peerline.") for name in layer.split("|"))
        for layer in layers
    ]
    doc = (ROOT / "docs" / "architecture.md").read_text()
    picture = doc.split("```text", 1)[1].split("```", 1)[0]
    drawn = [
        sorted(name.strip() for name in row.split("│")[1].split("·"))
        for row in picture.splitlines()
        if row.count("│") == 2
    ]
    assert drawn == expected
