"""The API reference (docs/api, Sphinx autodoc) builds from the docstrings without warnings."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests._require import require_module

DOCS = Path(__file__).resolve().parent.parent / "docs" / "api"

# what the reference must document (issue 12): the public modules a user imports
EXPECTED = [
    "symgrad.interfaces.api.reference",
    "symgrad.interfaces.api.derive",
    "symgrad.numeric.inputs",
    "symgrad.base.errors",
    "symgrad.base.schemas",
    "symgrad.testing",
    "symgrad.core.chain",
    "symgrad.core.derive",
    "symgrad.numeric.reference",
    "symgrad.numeric.certified",
    "symgrad.numeric.formats",
    "symgrad.numeric.lambdify_modules",
]


@pytest.fixture(scope="module")
def conf():
    spec = importlib.util.spec_from_file_location("symgrad_docs_conf", DOCS / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_reference_builds_without_warnings(tmp_path):
    require_module("sphinx", install="the test extra")
    out = tmp_path / "html"
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-E", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr.strip() == ""  # -q: only warnings would be printed
    pages = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))
    for module in EXPECTED:
        assert f'id="module-{module}"' in pages, module
    # the functions themselves, not only the module headers
    assert 'id="symgrad.interfaces.api.reference.reference"' in pages
    assert 'id="symgrad.core.chain.Chain"' in pages


def test_every_api_module_is_in_the_reference(conf):
    api = [m.stem for m in (DOCS.parents[1] / "symgrad/interfaces/api").glob("[!_]*.py")]
    assert sorted(conf.public_modules("symgrad.interfaces.api")) == sorted(
        f"symgrad.interfaces.api.{name}" for name in api)


def test_absolute_value_bars_are_escaped_in_prose_only(conf):
    lines = [
        "The bound |dF/dw_1| <= |w_2|/4, see ``|x|`` and :math:`|x|`.",
        "",
        ">>> abs(-2) | 1",
        "3",
        "",
        "Example::",
        "",
        "    symgrad check '|x| >= 0'",
        "",
        "Back to |prose|.",
    ]
    conf.escape_bars(lines)
    assert lines[0] == r"The bound \|dF/dw_1\| <= \|w_2\|/4, see ``|x|`` and :math:`|x|`."
    assert lines[2:4] == [">>> abs(-2) | 1", "3"]
    assert lines[7] == "    symgrad check '|x| >= 0'"
    assert lines[9] == r"Back to \|prose\|."
