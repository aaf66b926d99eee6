"""The JSON contract of hessian, classify, check, verify, report and derivations.

Every ``--format json`` output (and the report's marker) carries ``schema`` and
validates against its published JSON Schema (``symgrad/schemas/``, checked by the
``jsonschema`` package through :func:`tests.json_contract.assert_valid`); the API's
``to_json()`` is the same document the command prints.  Balls are ``{mid, rad}``
objects, never Arb strings.
"""

from __future__ import annotations

import json
import re

import pytest

from symgrad.interfaces.cli import main
from tests.json_contract import assert_valid

_ARB = re.compile(r"\[[^\]]*\+/-")


def _cli_json(capsys, *argv: str, status: int = 0) -> dict:
    assert main(list(argv)) == status
    text = capsys.readouterr().out
    assert not _ARB.search(text), "an Arb string in the JSON output"
    return assert_valid(text)


HESSIAN_CASES = [  # (command line, the same call of the API)
    (["--depth", "3", "--weights", "1", "--digits", "8"], (3, 1), dict(digits=8)),
    (["--depth", "3", "--weights", "0.5,-1,2", "--small-gradient", "1e-3", "--digits", "5",
      "--no-eigenvalues"], (3, [0.5, -1, 2]),
     dict(small_gradient="1e-3", digits=5, eigenvalues=False)),
    (["--depth", "1", "--weights", "1", "--small-gradient", "1"], (1, [1]),
     dict(small_gradient=1)),
    (["--depth", "2", "--form", "general", "--bias", "--biases", "0.5", "--x", "2",
      "--weights", "1"], (2, 1), dict(form="general", bias=True, biases=0.5, x=2)),
    (["--depth", "3", "--activation", "tanh", "--weights", "0", "--digits", "10"], (3, "0"),
     dict(activation="tanh", digits=10)),
]


@pytest.mark.parametrize(("argv", "args", "kwargs"), HESSIAN_CASES,
                         ids=lambda a: " ".join(a[:4]) if isinstance(a, list) else "")
def test_hessian_json_validates_and_equals_the_api(capsys, argv, args, kwargs):
    from symgrad.interfaces.api.hessian import hessian

    doc = _cli_json(capsys, "hessian", *argv, "--format", "json")
    assert doc["schema"] == "symgrad.hessian/1"
    assert isinstance(doc["chain"]["depth"], int) and isinstance(doc["digits"], int)
    assert all(set(b) == {"mid", "rad"} for b in doc["eigenvalue_enclosures"])
    assert hessian(*args, **kwargs).to_json() == doc


def test_hessian_small_gradient_section(capsys):
    doc = _cli_json(capsys, "hessian", "--depth", "3", "--weights", "1", "--small-gradient",
                    "1e-3", "--digits", "5", "--format", "json")
    sg = doc["small_gradient"]
    assert sg["c"] == "1/1000" and sg["F_infimum"] == "0" and sg["F_infimum_attained"] is False
    assert len(sg["regions"]) == 7
    assert all(isinstance(r["qualifies"], bool | None) for r in sg["regions"])
    # seed form of depth 1: F = w1 has no lower bound, written as the string "-inf"
    doc = _cli_json(capsys, "hessian", "--depth", "1", "--weights", "1", "--small-gradient",
                    "1", "--format", "json")
    assert doc["small_gradient"]["F_infimum"] == "-inf"


def test_hessian_eigenvalue_balls_contain_the_exact_eigenvalues(capsys):
    # tanh chain, weights (1, 0, 1): H = [[0, 1, 0], [1, 0, 1], [0, 1, 0]] exactly
    # (tanh'(0) = 1, tanh''(0) = 0), whose eigenvalues are -sqrt(2), 0, sqrt(2)
    import mpmath

    doc = _cli_json(capsys, "hessian", "--depth", "3", "--activation", "tanh", "--weights",
                    "1,0,1", "--digits", "8", "--format", "json")
    assert doc["hessian"] == [["0", "1.0000000e+0", "0"], ["1.0000000e+0", "0", "1.0000000e+0"],
                              ["0", "1.0000000e+0", "0"]]
    with mpmath.workdps(40):
        exact = [-mpmath.sqrt(2), mpmath.mpf(0), mpmath.sqrt(2)]
        for ball, lam in zip(doc["eigenvalue_enclosures"], exact, strict=True):
            mid, rad = mpmath.mpf(ball["mid"]), mpmath.mpf(ball["rad"])
            assert mid - rad <= lam <= mid + rad


CLASSIFY_CASES = [  # (command line, the same call of the API)
    (["x**4 + y**4 - x*y"], {}),
    (["x**2 - y**2", "--vars", "y,x"], dict(variables=["y", "x"])),
    (["abs(x) + abs(y)"], {}),
    (["relu(x)"], {}),
    (["max(x, 0) - x**2"], {}),
    (["x**2*y**2"], {}),
    (["sin(x)", "--box=-4,4", "--digits", "12"], dict(box=(-4, 4), digits=12)),
    (["x**3 - 3*x", "--method", "numeric", "--box", "x=-3:3", "--starts", "16"],
     dict(method="numeric", box={"x": (-3, 3.0)}, starts=16)),
]


@pytest.mark.parametrize(("argv", "kwargs"), CLASSIFY_CASES,
                         ids=lambda a: a[0] if isinstance(a, list) else "")
def test_classify_json_validates_and_equals_the_api(capsys, argv, kwargs):
    from symgrad.interfaces.api.classify import classify

    doc = _cli_json(capsys, "classify", *argv, "--format", "json")
    assert doc["schema"] == "symgrad.classify/1" and isinstance(doc["digits"], int)
    for p in doc["points"]:
        for enc in p.get("eigenvalue_enclosures", []):
            assert set(enc) == {"mid", "rad"}
    assert classify(argv[0], **kwargs).to_json() == doc


def test_check_json_validates_and_equals_the_api(capsys):
    from symgrad.interfaces.api.check import check

    cases = [(["x*y > 1", "--at", "x=1.5,y=2"], 0, dict(at={"x": 1.5, "y": 2})),
             (["x + y > 0"], 1, {}), (["sigmoid(t) <= 1"], 0, {})]
    for argv, status, kwargs in cases:
        doc = _cli_json(capsys, "check", *argv, "--format", "json", status=status)
        assert doc["schema"] == "symgrad.check/1"
        assert check(argv[0], **kwargs).to_json() == doc


def test_check_examples_is_an_object_with_the_list_inside(capsys):
    from symgrad.analysis.verify.claim_examples import EXAMPLES

    doc = _cli_json(capsys, "check", "--examples", "--format", "json")
    assert doc["schema"] == "symgrad.check_examples/1"
    assert [e["key"] for e in doc["examples"]] == [e.key for e in EXAMPLES]
    assert sum(doc["counts"].values()) == len(EXAMPLES)
    # the verdict of each example is the one the text's record expects
    assert all(e["verdict"] == e["expected"] for e in doc["examples"])


def test_verify_json_small_selection(capsys, tmp_path):
    from symgrad.interfaces.api.verify import verify

    argv = ["--groups", "routes,bounds", "--activations", "sigmoid", "--backends", "none",
            "--depths", "2,3", "--hessian-depths", "3"]
    doc = _cli_json(capsys, "verify", *argv, "--format", "json", "--json",
                    str(tmp_path / "t.json"))
    assert doc["schema"] == "symgrad.verify/1"
    assert doc["settings"]["depths"] == [2, 3] and doc["settings"]["seed"] == 0
    assert all(isinstance(v, int) for v in doc["counts"].values())
    assert doc["passed"] is True and doc["counts"]["PASS"] == len(doc["checks"]) == 3
    assert json.loads((tmp_path / "t.json").read_text()) == doc
    api = verify(groups=("routes", "bounds"), activations=["sigmoid"], backends=(),
                 depths=[2, 3], hessian_depths=[3])
    assert api.to_json() == doc


def _tiny(monkeypatch):
    import symgrad.interfaces.api.report as api
    from symgrad.interfaces.report import build_report

    monkeypatch.setattr(api, "build_report",
                        lambda options, **k: build_report(options, steps=("derivation",)))


def test_report_manifest_and_marker(capsys, tmp_path, monkeypatch):
    from symgrad.interfaces.api.report import report
    from symgrad.interfaces.report import MARKER

    _tiny(monkeypatch)
    out = tmp_path / "rep"
    doc = _cli_json(capsys, "report", "--out", str(out), "--depth", "2", "--backends", "none",
                    "--format", "json")
    assert doc["schema"] == "symgrad.report/1"
    names = {f["name"] for f in doc["files"]}
    assert names == {p.name for p in out.iterdir()}
    assert all(f["bytes"] == (out / f["name"]).stat().st_size for f in doc["files"])
    assert_valid((out / MARKER).read_text())
    again = report(out, depth=2, backends=())
    assert again.to_json() == doc
    # -o FILE: the manifest goes to the file, nothing to standard output
    assert main(["report", "--out", str(out), "--depth", "2", "--backends", "none",
                 "--format", "json", "-o", str(tmp_path / "m.json")]) == 0
    assert capsys.readouterr().out == ""
    assert assert_valid((tmp_path / "m.json").read_text())["files"] == doc["files"]


def test_derivations_manifest(capsys, tmp_path):
    from symgrad.interfaces.api.derivations import derivations

    out = tmp_path / "d"
    doc = _cli_json(capsys, "derivations", "--out", str(out), "--only", "gradient",
                    "--format", "json")
    assert doc["schema"] == "symgrad.derivations/1"
    assert [(f["name"], f["format"]) for f in doc["files"]] == [
        ("gradient.tex", "latex"), ("gradient.md", "markdown")]
    assert derivations(out, only="gradient").to_json() == doc
    doc = _cli_json(capsys, "derivations", "--out", str(out), "--only", "gradient",
                    "--documents", "markdown", "--format", "json")
    assert [f["name"] for f in doc["files"]] == ["gradient.md"]


def test_every_published_schema_of_these_commands_exists():
    from symgrad.base.schemas import list_schemas

    assert {"symgrad.hessian/1", "symgrad.classify/1", "symgrad.check/1",
            "symgrad.check_examples/1", "symgrad.verify/1", "symgrad.report/1",
            "symgrad.report-marker/1", "symgrad.derivations/1"} <= set(list_schemas())


@pytest.mark.parametrize("argv", [
    ["hessian", "--depth", "2", "--weights", "0", "--digits", "8"],
    ["classify", "x**2 - y**2"],
    ["check", "sigmoid(0) == 1/2"],
    ["verify", "--groups", "routes", "--activations", "sigmoid", "--backends", "none"],
], ids=lambda a: a[0])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_dash_o_means_the_same_on_every_command(capsys, tmp_path, argv, fmt):
    """-o FILE writes what standard output would show, atomically; an existing FILE is
    refused without --force (exit 2, one line, the file untouched); -o '' is refused."""
    assert main([*argv, "--format", fmt]) == 0
    shown = capsys.readouterr().out
    target = tmp_path / "out.txt"
    assert main([*argv, "--format", fmt, "-o", str(target)]) == 0
    assert capsys.readouterr().out == "" and target.read_text(encoding="utf-8") == shown
    target.write_text("keep")
    assert main([*argv, "--format", fmt, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--force" in err and target.read_text() == "keep"
    assert main([*argv, "--format", fmt, "-o", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == shown
    assert main([*argv, "--format", fmt, "-o", ""]) == 2
    assert capsys.readouterr().err.startswith("symgrad: error: -o needs a file name")
