"""The JSON contract of derive, reference, formats and scan (and formats --small-gradient).

Every ``--format json`` output is validated against its published schema
(``symgrad/schemas/``) by the ``jsonschema`` package (tests/json_contract.py), for
several option combinations; the API's ``to_json()`` is the same document; and the
number conventions hold everywhere: integers and booleans as JSON types, every other
number a string.
"""

from __future__ import annotations

import json

import pytest

from symgrad.interfaces.api.derive import derive
from symgrad.interfaces.api.formats import formats
from symgrad.interfaces.api.reference import reference
from symgrad.interfaces.api.scan import scan
from symgrad.interfaces.cli import main
from tests.json_contract import assert_valid


def cli_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--format", "json"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    return assert_valid(out)


def no_json_floats(doc) -> None:
    """Numbers other than integers are strings: no JSON float anywhere."""
    if isinstance(doc, dict):
        for v in doc.values():
            no_json_floats(v)
    elif isinstance(doc, list):
        for v in doc:
            no_json_floats(v)
    else:
        assert not isinstance(doc, float), doc
        if isinstance(doc, str):
            assert not doc.startswith("[+/-"), doc  # never an Arb string


CASES = [
    # (CLI arguments, the same call through the API)
    (["derive", "--depth", "3", "--wrt", "1"], lambda: derive(3, wrt=1)),
    (["derive", "--depth", "2", "--form", "general", "--bias", "--symbolic-depth"],
     lambda: derive(2, form="general", bias=True, symbolic_depth=True)),
    (["derive", "--depth", "70"], lambda: derive(70)),
    (["derive", "--depth", "3", "--activation", "relu", "--wrt", "2,3"],
     lambda: derive(3, activation="relu", wrt=[2, 3])),
    (["reference", "--depth", "3", "--weights", "0.5,1,2"], lambda: reference(3, "0.5,1,2")),
    (["reference", "--depth", "3", "--weights", "normal:0,1,seed=7", "--certified",
      "--digits", "25"],
     lambda: reference(3, "normal:0,1,seed=7", certified=True, digits=25)),
    (["reference", "--depth", "2", "--form", "general", "--bias", "--biases", "1/3",
      "--x=-2", "--wrt", "2", "--activation", "tanh", "--weights", "1"],
     lambda: reference(2, "1", form="general", bias=True, biases="1/3", x="-2", wrt=2,
                       activation="tanh")),
    (["reference", "--depth", "2", "--weights", "1"], lambda: reference(2, "1")),
    (["formats", "--depth", "30", "--weights", "1"], lambda: formats(30, "1")),
    (["formats", "--depth", "5", "--weights", "uniform:-1,1,seed=3", "--formats",
      "float16,bfloat16", "--wrt", "3", "--digits", "12"],
     lambda: formats(5, "uniform:-1,1,seed=3", formats="float16,bfloat16", wrt=3, digits=12)),
    # float16 overflows 70000 to inf: the computed values are inf/nan strings
    (["formats", "--depth", "2", "--weights", "70000,1", "--formats", "float16"],
     lambda: formats(2, "70000,1", formats="float16")),
    (["formats", "--small-gradient"], lambda: formats(small_gradient=True)),
    (["formats", "--small-gradient", "--c", "0.5", "--p", "-3", "--formats", "float32"],
     lambda: formats(small_gradient=True, c="0.5", p="-3", formats="float32")),
    (["scan", "--max-depth", "30", "--weights", "1"], lambda: scan(30, "1")),
    (["scan", "--max-depth", "50", "--weights", "normal:0,2,seed=1", "--formats", "float32",
      "--lr", "1/3", "--threshold", "0.5"],
     lambda: scan(50, "normal:0,2,seed=1", formats="float32", lr="1/3", threshold="0.5")),
    # weights beyond float64: the float64 values are inf/nan from depth 1 on
    (["scan", "--max-depth", "4", "--weights", "1e300,1e300,1e300,1e300", "--formats",
      "float64"],
     lambda: scan(4, "1e300,1e300,1e300,1e300", formats="float64")),
]


@pytest.mark.parametrize("argv,api", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_cli_json_valid_and_equal_to_api(capsys, argv, api):
    doc = cli_json(capsys, *argv)
    no_json_floats(doc)
    assert api().to_json() == doc


def test_integers_and_booleans_are_json_types(capsys):
    fm = cli_json(capsys, "formats", "--depth", "3", "--weights", "1")
    assert fm["chain"] == {"depth": 3, "activation": "sigmoid", "form": "seed", "bias": False}
    assert fm["wrt"] == 1 and fm["digits"] == 20 and fm["true"]["certified_digits"] == 20
    ref = cli_json(capsys, "reference", "--depth", "3", "--weights", "1", "--certified")
    assert ref["digits"] == 30 and ref["wrt"] == [1, 2, 3] and ref["certified"] is True
    assert all(isinstance(r["certified_digits"], int) for r in ref["values"])
    sc = cli_json(capsys, "scan", "--max-depth", "20", "--weights", "1", "--formats", "float16")
    first = sc["formats"][0]["first_depth"]
    assert sc["max_depth"] == 20 and isinstance(first["lost_update"], int)
    assert first["true_below_normal"] == 8  # sigma'(...) product below 2**-14 at depth 8


def test_scan_records_one_per_depth_with_the_plotted_values(capsys):
    doc = cli_json(capsys, "scan", "--max-depth", "4", "--weights", "0.5,2,0.1,3", "--formats",
                   "float64,float16")
    assert [r["depth"] for r in doc["depths"]] == [1, 2, 3, 4]
    assert [r["weight"] for r in doc["depths"]] == ["5e-1", "2e+0", "1e-1", "3e+0"]
    assert set(doc["depths"][3]["log10_abs_computed"]) == {"float64", "float16"}
    # depth 1: dF/dw1 = 1, log10 1 = 0 in every curve
    assert doc["depths"][0]["log10_abs_true"] == "0.0"


def test_reference_text_formats_are_plain(capsys):
    assert main(["reference", "--depth", "3", "--weights", "1", "--certified"]) == 0
    text = capsys.readouterr().out
    assert "± " in text and "+/-" not in text and "+-" not in text and "[" not in text
    assert main(["scan", "--max-depth", "10", "--weights", "1"]) == 0
    text = capsys.readouterr().out
    assert "learning rate 0.1, relative error threshold 0.01" in text and "lr 1e-1" not in text
    assert main(["formats", "--small-gradient"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("f_c(x) = max(0, c·x)") and "*" not in text


def test_json_is_the_same_document_as_rendered():
    r = reference(2, [0.25, 4])
    assert json.loads(r.render("json")) == r.to_json()
