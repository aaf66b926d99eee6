"""``symgrad.check``: decide a claim TRUE / FALSE / UNDECIDED, or the text's worked examples.

The Python side of ``symgrad check``.  A claim is an equation or inequality read by
symgrad's allow-list parser (never ``eval``); ``at`` gives its variables exact values,
as the command line's text (``"x=1.5,y=-2"``) or a dict of Python numbers (a float is
its exact binary value, see :mod:`symgrad.numeric.inputs`).  Without ``at`` a claim with
free variables claims to hold for all real values.  ``examples=True`` decides the
source text's claims instead.

>>> r = check("x*y > 1", at={"x": 1.5, "y": 2})
>>> r.verdict, r.exit_code
('TRUE', 0)
>>> r.to_json()["at"]
{'x': '3/2', 'y': '2'}
>>> r
<CheckResult: TRUE: x*y > 1>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from symgrad.analysis.claims import ClaimResult
from symgrad.base.errors import InputError
from symgrad.base.verdicts import CHECK_EXIT_CODES
from symgrad.interfaces.api.result import Result
from symgrad.numeric.inputs import exact_number

__all__ = ["CheckExamplesResult", "CheckResult", "check"]


def _claim_text(res: ClaimResult) -> str:
    at = f" at {', '.join(f'{k} = {v}' for k, v in res.at.items())}" if res.at else ""
    return f"{res.verdict}: {res.claim}{at}\n  by {res.method}: {res.evidence}"


@dataclass(frozen=True, repr=False)
class CheckResult(Result):
    """One claim's verdict with its evidence (``result``); ``exit_code`` is the CLI's."""

    SCHEMA = "symgrad.check/1"
    FORMATS = ("text", "json")

    result: ClaimResult

    @property
    def verdict(self) -> str:
        """``"TRUE"``, ``"FALSE"`` or ``"UNDECIDED"``."""
        return str(self.result.verdict)

    @property
    def exit_code(self) -> int:
        """The command line's exit status: 0 TRUE, 1 FALSE, 3 UNDECIDED."""
        return CHECK_EXIT_CODES[self.result.verdict]

    def json_body(self) -> dict:
        return self.result.to_json()

    def to_text(self) -> str:
        return _claim_text(self.result) + "\n"

    def summary(self) -> str:
        return f"{self.verdict}: {self.result.claim}"

    def _repr_html_(self) -> str:
        return self.result._repr_html_()


@dataclass(frozen=True, repr=False)
class CheckExamplesResult(Result):
    """The source text's claims, each with its verdict (``items``: (example, result))."""

    SCHEMA = "symgrad.check_examples/1"
    FORMATS = ("text", "json")

    items: tuple

    exit_code = 0  # every example ran: their verdicts, FALSE ones included, are the output

    def counts(self) -> dict[str, int]:
        """verdict -> how many examples got it."""
        out: dict[str, int] = {}
        for _, res in self.items:
            out[str(res.verdict)] = out.get(str(res.verdict), 0) + 1
        return dict(sorted(out.items()))

    def json_body(self) -> dict:
        return {"counts": self.counts(), "examples": [
            {"key": ex.key, "quote": ex.quote, "note": ex.note, "expected": str(ex.expected),
             **res.to_json()} for ex, res in self.items]}

    def to_text(self) -> str:
        lines = []
        for ex, res in self.items:
            lines.append(f"[{ex.key}] the text: \"{ex.quote}\"")
            if ex.note:
                lines.append(f"  ({ex.note})")
            lines.append("  " + _claim_text(res).replace("\n", "\n  "))
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        return ", ".join(f"{n} {v}" for v, n in self.counts().items())


def _at_spec(at: object) -> str | None:
    """``at`` as the command line's text ``name=value,...`` (values exact)."""
    if at is None or isinstance(at, str):
        return at
    if not isinstance(at, Mapping):
        raise InputError(f"--at must be a dict of name: value or text 'x=1.5,y=-2', got "
                         f"{type(at).__name__}", hint="e.g. --at x=1.5,y=-2")
    parts = []
    for name, value in at.items():
        q = exact_number(value, what=f"value of {name}")
        text = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
        parts.append(f"{name}={text}")
    return ",".join(parts)


def check(claim: str | None = None, *, at=None, examples: bool = False
          ) -> CheckResult | CheckExamplesResult:
    """Decide ``claim`` (at the exact values ``at``), or with ``examples=True`` every claim
    of the source text (:class:`CheckExamplesResult`)."""
    if examples:
        if claim or at:
            raise InputError("--examples takes no CLAIM or --at", hint="drop one of them")
        from symgrad.analysis.verify.claim_examples import run_examples

        return CheckExamplesResult(tuple(run_examples()))
    if not claim:
        raise InputError("no claim given", hint="e.g. symgrad check 'sigmoid(0) == 1/2'")
    if not isinstance(claim, str):
        raise InputError(f"the claim must be a string, got {type(claim).__name__}",
                         hint="e.g. 'x**2 >= 0'")
    from symgrad.analysis import claims  # looked up at call time (tests replace it)

    return CheckResult(claims.check_claim(claim, _at_spec(at)))
