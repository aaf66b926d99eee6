"""A grid's keys as axes: one expansion for every kind of sweep cell (chain, network,
meanfield).

A list is an axis (its values deduplicated, in order), a scalar a fixed setting; every
value is kept as text (numbers as ``repr``), so the cell parameters are exact and
hashable.  The kinds differ only in which keys they leave out and their defaults.

>>> axis_values({"depth": [10, 30, 10], "digits": 20}, defaults={"lr": "0.1"})
({'depth': ['10', '30'], 'digits': ['20'], 'lr': ['0.1']}, ('depth',))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from symgrad.base.errors import InputError

__all__ = ["axis_values", "scalar_text"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def scalar_text(key: str, value: object) -> str:
    """One grid value as text: a string as it is, an int or float as its ``repr``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(f"grid value {value!r} of '{key}' is not a number or a string",
                         hint="axes are lists of numbers or strings, settings are scalars")
    return value if isinstance(value, str) else repr(value)


def axis_values(raw: Mapping[str, object], *, skip: Iterable[str] = (),
                defaults: Mapping[str, str] | None = None
                ) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """``(values, axes)``: every key's values as text (lists are axes) and the axis names,
    leaving out the keys in ``skip`` and adding ``defaults`` for the keys not given."""
    skipped = set(skip)
    values: dict[str, list[str]] = {}
    axes: list[str] = []
    for key, value in raw.items():
        if key in skipped:
            continue
        if not _NAME.fullmatch(key):
            raise InputError(f"grid key '{key}' is not a name", hint="use letters, digits, _")
        if isinstance(value, list):
            if not value:
                raise InputError(f"grid axis '{key}' is an empty list",
                                 hint="give at least one value")
            values[key] = list(dict.fromkeys(scalar_text(key, v) for v in value))
            axes.append(key)
        else:
            values[key] = [scalar_text(key, value)]
    for key, default in (defaults or {}).items():
        values.setdefault(key, [default])
    return values, tuple(axes)
