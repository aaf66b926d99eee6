"""The CLI as a user runs it: subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.references import is_close, prefix_gradients


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "symgrad", *args], capture_output=True, text=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr)
    return proc


def test_reference_json_issue_example():
    out = json.loads(run("reference", "--depth", "1000", "--weights", "1", "--digits", "40",
                         "--wrt", "1", "--format", "json").stdout)
    assert out["schema"] == "symgrad.reference/2"
    # the exact weights travel with the values: 1 is the float64 0x3ff0000000000000 (IEEE 754)
    assert out["weights"]["spec"] == "1"
    assert out["weights"]["values"] == [{"decimal": "1e+0", "float64": "3ff0000000000000"}] * 1000
    row = {r["name"]: r for r in out["values"]}["dF/dw1"]
    assert isinstance(row["value"], str)
    # independent: the product of sigma' along the chain (tests/references.py), 100 digits
    truth = prefix_gradients("sigmoid", [1] * 1000, 100)[-1]
    assert is_close(row["value"], truth, rel="1e-39")


def test_reference_csv_and_text():
    csv = run("reference", "--depth", "3", "--weights", "0.5,1,2", "--digits", "10",
              "--format", "csv").stdout.splitlines()
    assert csv[0] == "name,value" and len(csv) == 5
    text = run("reference", "--depth", "3", "--weights", "1", "--digits", "10").stdout
    assert "dF/dw1" in text


def test_derive_json_parsable_and_exact():
    import sympy

    from symgrad.core.activations import sigmoid

    out = json.loads(run("derive", "--depth", "3", "--wrt", "all", "--format", "json").stdout)
    assert out["schema"] == "symgrad.derive/1"
    first = out["partials"][0]
    # parse back with an explicit namespace (the test's own, not symgrad's parser)
    ns = {"sigmoid": sigmoid, **{f"w{i}": sympy.Symbol(f"w{i}") for i in range(1, 4)}}
    expr = sympy.parse_expr(first["expanded"]["expression"], local_dict=ns)
    w1, w2, w3 = (ns[f"w{i}"] for i in range(1, 4))
    F = sigmoid(w3 * sigmoid(w2 * w1))
    assert sympy.expand(expr - sympy.diff(F, w1)) == 0
    assert first["stated_form_proven_equal"] is True
    assert "\\sigma" in first["product_form"]["latex"]


def test_derive_symbolic_depth_json():
    out = json.loads(run("derive", "--depth", "4", "--symbolic-depth", "--format", "json").stdout)
    proofs = out["symbolic_depth"]["proofs"]
    assert [p["k"] for p in proofs] == ["1", "k"]
    assert all(p["verified"] for p in proofs)


def test_derive_deep_uses_product_notation():
    out = json.loads(run("derive", "--depth", "100000", "--wrt", "1", "--format", "json").stdout)
    assert out["partials"][0]["product_form"] is None
    assert out["partials"][0]["closed_form"]["expression"].startswith("Product(")


def test_derive_deep_default_wrt_all_is_summarised():
    # --wrt defaults to all (as in reference): 100000 partials are one general-k closed form
    # plus k = 1, not 100000 entries
    proc = run("derive", "--depth", "100000", "--format", "json")
    out = json.loads(proc.stdout)
    assert len(proc.stdout) < 10_000
    general, first = out["partials"]
    assert general["k"] == "2..100000" and general["wrt"] == "w[k]"
    assert "Product(" in general["closed_form"]["expression"]
    assert first["k"] == 1 and first["closed_form"]["expression"].startswith("Product(")


@pytest.mark.parametrize(
    "args,match",
    [
        (["reference", "--depth", "0", "--weights", "1"], "depth must be >= 1"),
        (["reference", "--depth", "-4", "--weights", "1"], "depth"),
        (["reference", "--depth", "2.5", "--weights", "1"], "whole number"),
        (["reference", "--depth", "99999999999", "--weights", "1"], "cap"),
        (["reference", "--depth", "3", "--weights", "1,2"], "depth is 3"),
        (["reference", "--depth", "3", "--weights", "nan"], "finite"),
        (["reference", "--depth", "3", "--weights", "1,inf,2"], "finite"),
        (["reference", "--depth", "3", "--weights", "1", "--activation", "relu6"],
         "unknown activation 'relu6'"),
        (["reference", "--depth", "3", "--weights", "1", "--digits", "0"], "digits"),
        (["reference", "--depth", "3", "--weights", "1", "--digits", "20000"], "digits"),
        (["derive", "--depth", "3", "--wrt", "7"], "outside"),
        (["derive", "--depth", "3", "--bias"], "general form"),
        (["reference", "--depth", "3"], "required"),
    ],
)
def test_bad_input_one_line_error(args, match):
    proc = run(*args, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert match in lines[0]
    assert "Traceback" not in proc.stderr


def test_output_file_is_atomic(tmp_path):
    target = tmp_path / "ref.json"
    run("reference", "--depth", "2", "--weights", "1", "--format", "json", "-o", str(target))
    assert json.loads(target.read_text())["digits"] == 30
    proc = run("reference", "--depth", "2", "--weights", "1", "-o",
               str(tmp_path / "missing" / "x.json"), check=False)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert not (tmp_path / "missing").exists()


def test_deterministic_output():
    a = run("reference", "--depth", "50", "--weights", "normal:0,1,seed=7", "--format", "json")
    b = run("reference", "--depth", "50", "--weights", "normal:0,1,seed=7", "--format", "json")
    assert a.stdout == b.stdout


def test_console_script_help():
    proc = subprocess.run([sys.executable, "-m", "symgrad", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "derive" in proc.stdout


@pytest.mark.parametrize("expr", ["-x**4", "-(x**2 + y**2)"])
def test_expression_starting_with_minus_is_not_an_option(expr):
    # -x**4 has a strict local maximum at 0 (fourth derivative -24 < 0), and so does
    # -(x^2+y^2) (negative definite Hessian): textbook facts, not symgrad's output
    out = run("classify", expr).stdout
    assert "local maximum (strict)" in out


def test_negative_weights_still_parse():
    out = run("reference", "--depth", "2", "--weights", "-1", "--digits", "5").stdout
    # dF/dw1 = w2*sigma'(w1*w2) = -sigma'(1) = -e/(1+e)^2 = -0.19661...
    assert "-1.9661e-1" in out


# --- issue 11: the numeric commands load no symbolic or heavy optional library --------------
_NO_HEAVY = """
import sys
from symgrad.interfaces.cli import main
status = main({argv!r})
print(sorted(m for m in ("sympy", "jax", "torch", "matplotlib", "rich") if m in sys.modules))
sys.exit(status)
"""


@pytest.mark.parametrize("argv", [
    ["reference", "--depth", "1000", "--weights", "1", "--digits", "30"],
    ["reference", "--depth", "5", "--weights", "0.5", "--activation", "relu", "--certified"],
    ["reference", "--depth", "3", "--weights", "1", "--form", "general", "--bias", "--x", "2"],
    ["formats", "--depth", "50", "--weights", "1"],
    ["formats", "--depth", "20", "--weights", "0.5", "--activation", "relu", "--format", "json"],
    ["scan", "--max-depth", "50", "--weights", "1"],
    ["scan", "--max-depth", "30", "--weights", "1", "--activation", "tanh", "--format", "json"],
])
def test_numeric_commands_import_no_sympy_jax_torch_matplotlib(argv):
    proc = subprocess.run([sys.executable, "-c", _NO_HEAVY.format(argv=argv)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"


def test_top_level_help_still_lists_every_command():
    from symgrad.interfaces.cli import COMMANDS

    out = run("--help").stdout
    assert all(name in out for name in COMMANDS)


def test_unknown_command_names_the_choices():
    proc = run("refrence", check=False)
    assert proc.returncode == 2 and "invalid choice: 'refrence'" in proc.stderr
    assert "reference" in proc.stderr


def test_missing_extra_is_one_line_naming_the_extra():
    from symgrad.base.errors import MissingExtraError
    from symgrad.base.optional import require

    with pytest.raises(MissingExtraError) as err:
        require("symgrad_surely_absent.sub", "plot")
    assert err.value.package == "symgrad_surely_absent" and err.value.extra == "plot"
    assert str(err.value).endswith("(install it with: pip install 'symgrad[plot]')")
    assert "\n" not in str(err.value)
