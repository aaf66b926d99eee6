"""Fuzz every subcommand with hostile input (hypothesis, derandomized).

Inputs: malformed numbers, huge and tiny magnitudes, Unicode digits and lookalikes,
reserved names, wrong option combinations, bad output paths.  Every call must end in
a one-line error (exit 2, ``symgrad...: error: ...`` on stderr, nothing on stdout) or
an answer with a documented exit status; never a traceback, never past the per-call
budget, never a partial or temporary file left behind by a failed ``-o FILE``.

Each call runs ``symgrad.interfaces.cli.main(argv)`` in-process inside one long-lived child
(:mod:`tests._cli_worker`), killed and restarted if a call runs past :data:`BUDGET`.
Expensive valid runs (the verification battery, a whole report) are never drawn: for
``verify`` and ``report`` one option is always corrupted, so they must refuse early.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._cli_worker import CliResult, CliWorker

#: wall-clock seconds one call may take: the longest documented budget (20 s, the exact
#: solver's and a claim's) plus generous start-up and load slack on a shared 2-core machine
BUDGET = 60.0
SETTINGS = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# --- pools ---------------------------------------------------------------------------

UNICODE_DIGITS = ["\u00b2", "\u0663", "\u0661\u0662", "\uff11", "\U0001d7d9", "\u2075",
                  "\u00bd", "\u0663.\u0665", "1e\u00b2", "\u0968"]
HUGE = ["1e3000", "1e9999", "-1e9999", "1e301", "1e400", "-1e400", "1e10000", "1e999999",
        "-1e999999", "1e-999999", "1e-10000", "1e1000000", "9" * 199, "1" + "0" * 199 + "e9000",
        "1.7976931348623157e308", "1.8e308", "5e-324", "1e-400", "1e-9999"]
MALFORMED = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1/0", "0/0", "", " ", "1e", "e5",
             ".", "-", "+-1", "1..2", "0x10", "1_000", "1e+", "--1", "1 2", "1\n2", "\x00",
             "1,", "abc", "1" * 250, "0.5.5", "3/", "/3", "1//2", "(1)", "1j", "oo", "I"]
VALID_NUMBERS = ["1", "-0.5", "0", "3/4", "1e-3", "2.5", "-2", "0.1", "1e300", "-1e300",
                 "1e-300", "12345678901234567890.5"]
text_junk = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6)


def mostly(valid: st.SearchStrategy, *hostile: st.SearchStrategy) -> st.SearchStrategy:
    """``valid`` three times in four, else one of ``hostile``: most calls get past their
    first option, so the hostile value meets the code deep inside a command."""
    return st.one_of(valid, valid, valid, st.one_of(*hostile))


number = mostly(st.sampled_from(VALID_NUMBERS), st.sampled_from(HUGE),
                st.sampled_from(MALFORMED), st.sampled_from(UNICODE_DIGITS), text_junk)

BAD_WHOLE = ["0", "-1", "+0", "1.0", "1e2", "2.5", "", " ", "abc", "0x3", "99999999999999999999",
             "1000001", "1,2", "nan", *UNICODE_DIGITS]
whole = mostly(st.sampled_from(["1", "2", "3", "+2", "03"]), st.sampled_from(BAD_WHOLE),
               text_junk)


@st.composite
def spec(draw) -> str:
    """A --weights/--biases SPEC for a depth-3 chain: numbers, lists, seeded draws."""
    kind = draw(st.sampled_from(["one", "list", "normal", "uniform", "junk"]))
    if kind == "one":
        return draw(number)
    if kind == "list":
        return ",".join(draw(st.lists(number, min_size=1, max_size=4)))
    if kind in ("normal", "uniform"):
        params = draw(st.lists(number, min_size=0, max_size=3))
        seed = draw(st.one_of(st.none(), whole))
        return f"{kind}:" + ",".join(params + ([] if seed is None else [f"seed={seed}"]))
    return draw(st.sampled_from(["cauchy:0,1", "normal:", ":", "normal:0,1,seed=",
                                 "uniform:1,-1", "normal:0,-1", "uniform:-1e308,1e308",
                                 "normal:0,1e308", "normal:1e300,1e300,seed=1"]))


ACTIVATION = st.sampled_from(["sigmoid", "tanh", "softplus", "relu", "SIGMOID", "",
                              "sigm\u03bfid"])
FORMATS = st.sampled_from(["float64", "float16,bfloat16", "float8", "", "float64,,", "FLOAT32",
                           "float\uff11\uff16"])
EXPRESSIONS = [
    "x**2 + y**2", "x**3 - 3*x", "x*y", "(x**2 - 1)**2 + y**2",
    "(x**4 - 16*x**2 + 5*x + y**4 - 16*y**2 + 5*y)/2", "x**4/4 - 2*x**2 + x",
    "oo*x", "x + zoo", "nan*x**2", "I*x**2", "x**2 + \uff59**2", "x\u00b2", "\u03b1**2",
    "x**2 + y**1e999999", "x**(10**9)", "1e999999*x**2", "1e5000*x**2", "sin(", "",
    "__import__('os')", "x**2 +", "Max(x, 0)**2", "abs(x) + y**2", "x" * 10_001,
]
CLAIMS = [
    "x**2 >= 0", "sigmoid(t) <= 1", "x + 1 > x", "x**2 >= -oo", "oo > 1", "zoo == zoo",
    "I*x > 0", "\uff59 > 0", "x\u00b2 >= 0", "nan != nan", "x**2 >= 1e999999", "1e5000 > x**2",
    "x >= 1e-5000", "x > ", "x >= y >= z", "", "x = 1", "__import__('os')", "sin(x) <= 2",
    "abs(tanh(x)) < 1", "Max(x, 0) >= x",
]
ASSIGNMENTS = ["x=2", "x=\u00b2", "x=1e999999", "x=1e9999", "x=nan", "oo=1", "x=1,x=2",
               "y=1", "x=", "=1", "x=1;y=2", "I=1", "x=\uff11", "x=1/0", "t=0.5", "t=1e300"]


# --- the harness -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    w = CliWorker(tmp_path_factory.mktemp("cli-fuzz-cwd"))
    yield w
    w.close()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-fuzz-out")


_counter = iter(range(10**9))


def fresh(scratch: Path, name: str) -> Path:
    """A path in a new empty folder (so leftovers of exactly this call can be seen)."""
    folder = scratch / f"call{next(_counter)}"
    folder.mkdir()
    return folder / name


ERROR_LINE = re.compile(r"symgrad( [a-z]+)?: error: \S")


def check_outcome(r: CliResult, allowed: set[int], *, output: Path | None = None,
                  is_json: bool = False) -> None:
    """The fuzz contract (module doc) for one call."""
    shown = " ".join(repr(a)[:60] for a in r.argv)
    assert not r.hang, f"ran past the {BUDGET:g} s budget: symgrad {shown}"
    assert not r.crash, f"the process died: symgrad {shown}\n{r.crash}"
    assert not r.traceback, f"traceback from symgrad {shown}:\n{r.traceback}"
    assert "Traceback" not in r.out + r.err, f"traceback text from symgrad {shown}:\n{r.err}"
    assert r.code in allowed, f"exit {r.code!r} not in {sorted(allowed)}: symgrad {shown}\n{r.err}"
    if r.code == 2:
        lines = r.err.splitlines()
        assert len(lines) == 1 and ERROR_LINE.match(lines[0]), (
            f"not a one-line error: symgrad {shown}\n{r.err}")
        assert r.out == "", f"output beside an error: symgrad {shown}\n{r.out[:300]}"
    if output is not None:
        leftovers = [p.name for p in output.parent.iterdir() if p.name != output.name]
        assert not leftovers, f"temporary files left by symgrad {shown}: {leftovers}"
        if output.is_dir():  # -o naming a folder: refused, the folder untouched
            assert r.code == 2 and not any(output.iterdir()), f"-o FOLDER: symgrad {shown}"
        elif r.code == 0:
            assert output.is_file() and output.stat().st_size > 0, f"no output file: {shown}"
            if is_json:
                json.loads(output.read_text(encoding="utf-8"))
        else:
            assert not output.exists(), f"partial file after an error: symgrad {shown}"
    elif r.code == 0 and is_json:
        json.loads(r.out)


def draw_command(draw, name: str, options: dict, *, required: tuple[str, ...] = (),
                 positional: tuple[st.SearchStrategy, ...] = (), flags: tuple[str, ...] = (),
                 max_bad: int = 2) -> list[str]:
    """``name`` with a valid value for every required and some optional options, then up to
    ``max_bad`` of them replaced by hostile values.  ``options``: flag -> (valid, hostile)."""
    chosen = {k: draw(v) for k, (v, _) in options.items() if k in required or draw(st.booleans())}
    n_bad = draw(st.integers(0, max_bad))
    for key in draw(st.lists(st.sampled_from(sorted(options)), min_size=n_bad, max_size=n_bad,
                             unique=True)):
        chosen[key] = draw(options[key][1])
    argv = [name, *(draw(p) for p in positional)]
    argv += [a for kv in chosen.items() for a in kv]
    argv += [f for f in flags if draw(st.booleans())]
    return argv


VALID_SPECS = ["1", "-0.5", "0.5,1,2", "normal:0,1,seed=7", "uniform:-1,1", "4", "-4", "0",
               "1e300", "-1e300", "1e-9999", "1/3", "2.5e-1,-3,7/8", "normal:0,1e300,seed=1"]
ACTIVATIONS_OK = st.sampled_from(["sigmoid", "tanh", "softplus"])
FORMATS_OK = st.sampled_from(["float64", "float16,bfloat16", "float32"])
CHAIN = {  # valid depths stay small: the fuzz looks for crashes, not for slow valid work
    "--depth": (st.sampled_from(["1", "2", "3", "5"]), whole),
    "--activation": (ACTIVATIONS_OK, ACTIVATION),
    "--form": (st.sampled_from(["seed", "general"]), st.sampled_from(["", "tree", "GENERAL"])),
}
POINT = {
    "--weights": (st.sampled_from(VALID_SPECS), spec()),
    "--biases": (st.sampled_from(VALID_SPECS), spec()),
    "--x": (st.sampled_from(VALID_NUMBERS), number),
}


def output_option(draw, scratch: Path, suffix: str) -> tuple[list[str], Path | None]:
    kind = draw(st.sampled_from([None, "fresh", "fresh", "missing-dir", "a-dir"]))
    if kind is None:
        return [], None
    if kind == "fresh":
        path = fresh(scratch, "out" + suffix)
        return ["-o", str(path)], path
    if kind == "missing-dir":
        return ["-o", str(scratch / "no-such-folder" / ("x" + suffix))], None
    folder = fresh(scratch, "a-folder")
    folder.mkdir()
    return ["-o", str(folder)], folder


def fmt_of(argv: list[str]) -> str:
    return argv[argv.index("--format") + 1] if "--format" in argv else "text"


# --- one test per subcommand -------------------------------------------------------------

@SETTINGS
@given(data=st.data())
def test_derive(worker, scratch, data):
    draw = data.draw
    argv = draw_command(draw, "derive", {
        **CHAIN,
        "--wrt": (st.sampled_from(["1", "all", "2,3", "w1"]),
                  st.one_of(whole, st.sampled_from(["0", "4", "k", "1,,2", "\u00b2"]))),
        "--format": (st.sampled_from(["text", "json", "latex", "markdown"]),
                     st.sampled_from(["xml", "", "JSON"])),
    }, required=("--depth",), flags=("--bias", "--symbolic-depth"))
    out, path = output_option(draw, scratch, ".json")
    check_outcome(worker.run(argv + out, budget=BUDGET), {0, 2}, output=path,
                  is_json=fmt_of(argv) == "json")


@SETTINGS
@given(data=st.data())
def test_reference(worker, scratch, data):
    draw = data.draw
    argv = draw_command(draw, "reference", {
        **CHAIN, **POINT,
        "--digits": (st.sampled_from(["1", "5", "30", "60"]),
                     st.one_of(whole, st.sampled_from(["0", "10001", "1e3"]))),
        "--wrt": (st.sampled_from(["all", "1", "2,3"]), st.sampled_from(["\u00b2", "9", "0"])),
        "--format": (st.sampled_from(["text", "json", "csv"]), st.sampled_from(["xml", ""])),
    }, required=("--depth", "--weights"), flags=("--bias", "--certified"))
    out, path = output_option(draw, scratch, ".json")
    check_outcome(worker.run(argv + out, budget=BUDGET), {0, 2}, output=path,
                  is_json=fmt_of(argv) == "json")


@SETTINGS
@given(data=st.data())
def test_formats(worker, scratch, data):
    draw = data.draw
    options = {
        "--formats": (FORMATS_OK, FORMATS),
        "--format": (st.sampled_from(["text", "json"]), st.sampled_from(["csv", ""])),
    }
    if draw(st.booleans()):  # the text's f_c example, sometimes beside chain options
        options.update({"--c": (st.sampled_from(["1e-90", "1", "1e-9999", "3/4"]), number),
                        "--p": (st.sampled_from(["1e9999", "-1e9999", "5", "1e-300"]), number),
                        "--depth": (st.sampled_from(["3"]), whole)})
        argv = draw_command(draw, "formats", options)
        argv.insert(1, "--small-gradient")
    else:
        options.update({**CHAIN, **POINT,
                        "--digits": (st.sampled_from(["1", "20", "50"]), whole),
                        "--wrt": (st.sampled_from(["1", "2"]), whole)})
        argv = draw_command(draw, "formats", options, required=("--depth", "--weights"),
                            flags=("--bias",))
    out, path = output_option(draw, scratch, ".json")
    check_outcome(worker.run(argv + out, budget=BUDGET), {0, 2}, output=path,
                  is_json=fmt_of(argv) == "json")


@SETTINGS
@given(data=st.data())
def test_scan(worker, scratch, data):
    draw = data.draw
    argv = draw_command(draw, "scan", {
        "--max-depth": (st.sampled_from(["1", "2", "10", "40"]),
                        st.one_of(whole, st.sampled_from(["100001", "0"]))),
        "--weights": (st.sampled_from(VALID_SPECS), spec()),
        "--lr": (st.sampled_from(["0.1", "1e-9999", "1e9999", "3/4"]), number),
        "--threshold": (st.sampled_from(["0.01", "1e-9999", "1e9999"]), number),
        "--activation": (ACTIVATIONS_OK, ACTIVATION),
        "--formats": (FORMATS_OK, FORMATS),
        "--format": (st.sampled_from(["text", "json"]), st.sampled_from(["csv"])),
        "--plot": (st.builds(lambda: str(fresh(scratch, "p.svg"))),
                   st.one_of(st.just(str(scratch / "no-such-folder" / "p.svg")),
                             st.builds(lambda: str(fresh(scratch, "p.txt"))),
                             st.builds(lambda: str(fresh(scratch, "p"))))),
    }, required=("--max-depth", "--weights"))
    out, path = output_option(draw, scratch, ".json")
    check_outcome(worker.run(argv + out, budget=BUDGET), {0, 2}, output=path,
                  is_json=fmt_of(argv) == "json")


@SETTINGS
@given(data=st.data())
def test_hessian(worker, data):
    draw = data.draw
    argv = draw_command(draw, "hessian", {
        **CHAIN, **POINT,
        "--digits": (st.sampled_from(["1", "8", "20", "60"]), whole),
        "--small-gradient": (st.sampled_from(["1e-6", "1e9999", "1e-9999"]), number),
        "--format": (st.sampled_from(["text", "json", "latex"]), st.sampled_from(["csv"])),
    }, required=("--depth", "--weights"), flags=("--bias", "--no-eigenvalues"))
    check_outcome(worker.run(argv, budget=BUDGET), {0, 2}, is_json=fmt_of(argv) == "json")


BOX = st.one_of(st.builds(lambda a, b: f"{a},{b}", number, number),
                st.builds(lambda a, b: f"x={a}:{b},y=-1:1", number, number),
                st.sampled_from(["x=-3:3", "z=0:1", "1,1", "x=1", "", "-oo,oo", "-1e300,1e300",
                                 "-1e301,1e301"]))
CHEAP_EXPRESSIONS = ["x**2 + y**2", "x**3 - 3*x", "x*y", "(x**2 - 1)**2 + y**2",
                     "x**4/4 - 2*x**2 + x", "x**4 - 3*x**2 + x + y**3 - 2*y"]


@SETTINGS
@given(data=st.data())
def test_classify(worker, data):
    draw = data.draw
    expr = mostly(st.sampled_from(CHEAP_EXPRESSIONS), st.sampled_from(EXPRESSIONS),
                  st.builds(lambda n: f"x**2 - {n}*x", number), text_junk)
    argv = draw_command(draw, "classify", {
        "--box": (st.sampled_from(["-3,3", "x=-2:2,y=-1:1", "-1e300,1e300"]), BOX),
        "--digits": (st.sampled_from(["5", "20"]), whole),
        "--starts": (st.sampled_from(["8", "64"]), whole),
        "--time-budget": (st.sampled_from(["20", "0.5"]), number),
        "--method": (st.sampled_from(["auto", "exact"]), st.sampled_from(["magic", ""])),
        "--vars": (st.sampled_from(["x,y"]),
                   st.sampled_from(["x", "oo", "x,x", "\uff58", "x,y,z,w,v"])),
        "--format": (st.sampled_from(["text", "json", "latex"]), st.sampled_from(["csv"])),
    }, positional=(expr,))
    # --box=...: a box that starts with '-' is a value, not an option
    argv = [f"--box={argv[i + 1]}" if a == "--box" else a for i, a in enumerate(argv)
            if i == 0 or argv[i - 1] != "--box"]
    check_outcome(worker.run(argv, budget=BUDGET), {0, 2}, is_json=fmt_of(argv) == "json")


@SETTINGS
@given(data=st.data())
def test_check(worker, data):
    draw = data.draw
    claim = mostly(st.sampled_from(CLAIMS[:3]), st.sampled_from(CLAIMS),
                   st.builds(lambda n: f"x**2 >= {n}", number), text_junk)
    argv = draw_command(draw, "check", {
        "--at": (st.sampled_from(["x=2", "t=0.5"]), st.sampled_from(ASSIGNMENTS)),
        "--format": (st.sampled_from(["text", "json"]), st.sampled_from(["csv"])),
    }, positional=(claim,))
    if draw(st.integers(0, 9)) == 0:  # a wrong combination: a claim and --examples
        argv += ["--examples"]
    # 0 TRUE, 1 FALSE, 3 UNDECIDED, 2 bad input; 4 (internal error) is a bug, not allowed
    check_outcome(worker.run(argv, budget=BUDGET), {0, 1, 2, 3}, is_json=fmt_of(argv) == "json")


# verify and report: one option is always corrupted, so they must refuse before any work
_VERIFY_OK = {"--depths": "2", "--hessian-depths": "3", "--activations": "sigmoid",
              "--formats": "float64", "--seed": "0"}
_VERIFY_BAD = {
    "--depths": ["", "0", "2001", "\u00b2", "2,x", "1e3", "-2"],
    "--hessian-depths": ["41", "\u0663", "0", ""],
    "--activations": ["relu6", "", ",", "sigm\u03bfid"],
    "--formats": ["float8", "", "float\uff11\uff16"],
    "--seed": ["\u0663", "-1", "1e3", "99999999999999999999", "", "x"],
    "--backends": ["tensorflow", "", "jax,,numpy", "none,jax"],
}


@SETTINGS
@given(data=st.data())
def test_verify_refuses_early(worker, scratch, data):
    draw = data.draw
    bad = draw(st.sampled_from(sorted(_VERIFY_BAD)))
    options = dict(_VERIFY_OK, **{bad: draw(st.sampled_from(_VERIFY_BAD[bad]))})
    path = fresh(scratch, "verify.json")
    argv = ["verify", *[a for kv in options.items() for a in kv], "--json", str(path)]
    r = worker.run(argv, budget=BUDGET)
    check_outcome(r, {2}, output=path)


_REPORT_BAD = {
    "--depth": ["0", "\u00b2", "1000001", "x", ""],
    "--weights": ["1e301", "1e9999", "nan", "\u00b2", "normal:0,1e400", "1,2",
                  "uniform:-1e308,1e308"],
    "--lr": ["0", "-1", "1e999999", "\u00b2", "nan", "1e-999999", ""],
    "--scan-depth": ["0", "100001", "\u0663", "2.5"],
    "--activation": ["relu6", "\u03c3"],
    "--formats": ["float8", ""],
    "--backends": ["tensorflow", ""],
}


@SETTINGS
@given(data=st.data())
def test_report_refuses_early(worker, scratch, data):
    draw = data.draw
    bad = draw(st.sampled_from(sorted(_REPORT_BAD)))
    out = fresh(scratch, "report")
    argv = ["report", "--out", str(out), "--quiet", "--backends", "none",
            bad, draw(st.sampled_from(_REPORT_BAD[bad]))]
    r = worker.run(argv, budget=BUDGET)
    check_outcome(r, {2})
    assert not out.exists(), f"report folder created before refusing: {r.argv}"


@settings(SETTINGS, max_examples=8)
@given(data=st.data())
def test_derivations(worker, scratch, data):
    draw = data.draw
    only = draw(st.sampled_from(["gradient", "", ",", "nope", "gradient,nope", "\u00b2",
                                 "gr\u0430dient", "../../etc"]))
    out = fresh(scratch, "derivations")
    r = worker.run(["derivations", "--out", str(out), "--only", only], budget=BUDGET)
    check_outcome(r, {0, 2})
    if r.code == 2:
        assert not out.exists() or not any(out.iterdir()), f"files written before refusing: {only}"


def test_fuzz_harness_catches_tracebacks_hangs_and_partial_files(tmp_path):
    """The contract can fail: a traceback, a second stderr line, a call past its budget
    (the child is killed and replaced), a partial file."""
    traced = CliResult(["x"], None, "", "", "Traceback (most recent call last): ...", 0.1)
    with pytest.raises(AssertionError, match="traceback"):
        check_outcome(traced, {0, 2})
    two_lines = CliResult(["x"], 2, "", "symgrad: error: a (b)\nmore\n", "", 0.1)
    with pytest.raises(AssertionError, match="one-line"):
        check_outcome(two_lines, {2})
    partial = tmp_path / "partial.json"
    partial.write_text("{")
    with pytest.raises(AssertionError, match="partial file"):
        check_outcome(CliResult(["x"], 2, "", "symgrad: error: a (b)\n", "", 0.1), {2},
                      output=partial)
    w = CliWorker(tmp_path)
    try:
        t0 = time.perf_counter()
        slow = w.run(["classify", "x**2 + y**2", "--box=-3,3", "--method", "numeric",
                      "--starts", "10000", "--digits", "1000"], budget=0.2)
        assert slow.hang and time.perf_counter() - t0 < 30
        with pytest.raises(AssertionError, match="budget"):
            check_outcome(slow, {0, 2})
        again = w.run(["derive", "--depth", "2", "--format", "json"], budget=BUDGET)
        check_outcome(again, {0}, is_json=True)
    finally:
        w.close()
