"""Exact arithmetic for scoring: decimal points as integers on a common denominator.

Scores, weights, adjustments and shares are decimals as people write them
(``2.5``, ``0.6``); sums, means, medians and trimmed means of them are
rationals. :mod:`contest.scoring` keeps every such quantity as an integer
numerator over one denominator known for the whole array, so that equal
totals are equal integers and ties are never split by floating-point noise
(docs/contest_rules.md §1.3). Arrays are ``int64`` while their values stay
below 2⁶², and Python integers (``object`` arrays) beyond: never wrong, only
slower. Pure: arrays in and out.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

__all__ = [
    "MAX_DECIMALS",
    "codes",
    "decimal_units",
    "frac",
    "half_up",
    "lcm",
    "round_fraction",
    "safe_sum_dtype",
    "scale",
    "to_float",
]

#: Decimals kept of an entered number; more digits are treated as binary noise and rounded away.
MAX_DECIMALS = 9
_LIMIT = 2**62


def frac(x) -> Fraction:
    """A number as the decimal a person wrote: ``0.1`` → 1/10 (the shortest repr of a float)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    return Fraction(Decimal(repr(float(x))))


def decimal_units(values) -> tuple[np.ndarray, int]:
    """Decimals as integers: ``values = units / 10**d`` with the smallest ``d`` ≤ :data:`MAX_DECIMALS`.

    Parameters
    ----------
    values : array of float
        Finite numbers as entered (points).

    Returns
    -------
    units : ndarray of int64
    d : int
        When some value has more than :data:`MAX_DECIMALS` decimals, ``d`` is
        :data:`MAX_DECIMALS` and the value is rounded to it.
    """
    v = np.asarray(values, dtype=float)
    for d in range(MAX_DECIMALS + 1):
        k = np.round(v * 10**d)
        if np.array_equal(k / 10**d, v):
            return k.astype(np.int64), d
    return np.round(v * 10**MAX_DECIMALS).astype(np.int64), MAX_DECIMALS


def lcm(*values: int) -> int:
    """Least common multiple of positive integers (1 for none)."""
    out = 1
    for v in values:
        out = out * int(v) // math.gcd(out, int(v))
    return out


def _big(a: np.ndarray) -> int:
    if a.dtype == object:
        return max((abs(int(x)) for x in a), default=0)
    return int(np.abs(a).max()) if len(a) else 0


def scale(a: np.ndarray, k) -> np.ndarray:
    """``a × k`` exactly (``k`` an int or an integer array); switches to Python integers near 2⁶²."""
    a = np.asarray(a)
    kk = np.asarray(k)
    if a.dtype != object and kk.dtype != object and _big(a) * max(_big(np.atleast_1d(kk)), 1) < _LIMIT:
        return a.astype(np.int64) * kk.astype(np.int64)
    return a.astype(object) * (kk.astype(object) if kk.ndim else int(kk))


def safe_sum_dtype(a: np.ndarray, n: int) -> np.ndarray:
    """``a`` as an array whose sums of up to ``n`` terms cannot overflow."""
    if a.dtype != object and _big(a) * max(n, 1) >= _LIMIT:
        return a.astype(object)
    return a


def half_up(num: np.ndarray, den) -> np.ndarray:
    """``num / den`` rounded half away from zero to an integer (``den`` > 0), exactly."""
    num = np.asarray(num)
    d = np.asarray(den)
    two_d = scale(d, 2) if d.ndim else 2 * int(d)
    out = (scale(np.abs(num), 2) + (d if d.ndim else int(d))) // two_d
    return np.where(num < 0, -out, out)


def round_fraction(x: Fraction, decimals: int) -> Fraction:
    """``x`` rounded half away from zero to ``decimals`` decimals, exactly (2.675 → 2.68)."""
    q = 10**decimals
    n = abs(x.numerator) * q * 2 + x.denominator
    r = n // (2 * x.denominator)
    return Fraction(-r if x < 0 else r, q)


def codes(values: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Order-preserving ``int64`` codes of exact values (``int64`` or Python ints); missing → −1.

    Equal values get equal codes, and a larger value a larger code, so the
    codes can be sorted and compared in place of the values.
    """
    values = np.asarray(values)
    missing = np.zeros(len(values), dtype=bool) if missing is None else np.asarray(missing, dtype=bool)
    out = np.full(len(values), -1, dtype=np.int64)
    if (~missing).any():
        present = values[~missing]
        if present.dtype != object:
            present = present.astype(np.int64)
        _, inv = np.unique(present, return_inverse=True)
        out[~missing] = np.asarray(inv, dtype=np.int64).ravel()
    return out


def to_float(num: np.ndarray, den: int) -> np.ndarray:
    """``num / den`` as floats, correctly rounded (equal rationals give equal floats)."""
    num = np.asarray(num)
    if num.dtype != object and _big(num) < 2**53 and den < 2**53:
        return num.astype(float) / float(den)
    return np.array([float(Fraction(int(x), den)) for x in num], dtype=float)
