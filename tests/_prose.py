"""The numbers in a notebook's prose, and the kinds of origin a registry can give each one.

``numbers_in(path)`` finds every number a learner reads in a notebook's markdown cells, leaving
out what is not a quantity: link targets, inline code, subscripts in math (``h_{t-1}``), "notebook
12", "source 001", years in citations and list-item numbers. ``tests/prose_numbers/nbNN.py`` says
where each remaining number comes from, with one of the kinds below; ``tests/test_prose_numbers.py``
checks them.

    calc(expr)        computed here by ``expr`` (numpy as np, lstm_core as L) and compared with
                      the written number at its written precision (or within ``rel``)
    code()            the literal appears in one of the notebook's code cells
    tested(nodeid)    a test asserts it against a fresh run (the test must exist and mention it)
    define(reason)    a definition, a setting chosen in the prose, a counting word
    source(reason)    a figure of the source texts (../shared/seeds)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Origin:
    kind: str                    # "calc", "code", "tested", "define", "source"
    what: str = ""               # the expression, the test's node id, or the reason
    rel: float | None = None     # calc only: relative tolerance instead of "rounds to"
    names: dict = field(default_factory=dict)   # calc only: extra names -> module paths


def calc(expr: str, rel: float | None = None, names: dict | None = None) -> Origin:
    return Origin("calc", expr, rel, dict(names or {}))


def code() -> Origin:
    return Origin("code")


def tested(nodeid: str) -> Origin:
    return Origin("tested", nodeid)


def define(reason: str) -> Origin:
    return Origin("define", reason)


def source(reason: str) -> Origin:
    return Origin("source", reason)


# --- finding the numbers ---------------------------------------------------------------------------

# a number as written: optional minus, digits with thousands commas, decimals, e-notation, a
# LaTeX power of ten, a percent sign
NUMBER = re.compile(
    r"(?<![\w.])"
    r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?"            # 4,868 or 1,316.5
    r"|(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?%?"      # 0.25, 92, 1.1e-40, 78%
)

_SKIP = [
    re.compile(r"\]\([^)]*\)"),                              # link targets
    re.compile(r"<[^>]+>"),                                  # HTML tags
    re.compile(r"`[^`]*`"),                                  # inline code
    re.compile(r"_\{[^{}]*\}|_\\?[A-Za-z0-9]+"),             # subscripts: h_{t-1}, x_1, W_\text
    re.compile(r"\b[Nn]otebooks?\s+\d\d(?:\s*(?:,|and|or|to|-|–)\s*\d\d)*"),   # notebook 12, notebooks 09-11
    re.compile(r"\b[Ss]ources?\s+\d{3}(?:\s*(?:,|and|or)\s*\d{3})*"),          # source 001, sources 000 and 003
    re.compile(r"\(\d{4}[a-z]?\)"),                          # citation years: (2017)
    re.compile(r"(?m)^\s*(?:>\s*)*\d+\.\s"),                 # list-item numbers: "1. ", "> 2. "
    re.compile(r"(?m)^#+\s*\d+\s*·"),                        # heading numbers: "## 3 · ..."
    re.compile(r"(?m)^\s*[-*]\s+\d\d(?=\s+\[)"),                # a contents line: "- 12 [LSTM vs RNN](12-...)"
]


def markdown_of(path) -> list[str]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def code_of(path) -> list[str]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _clean(text: str) -> str:
    text = text.replace("\u2212", "-").replace("\\,", "").replace("{,}", ",")
    # a quote box's "> " markers go, so a phrase broken across its lines reads as one
    # ("sources 000\n> and 003"); the list-item rule below still finds "> 2. "
    text = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", text)
    for rx in _SKIP:
        text = rx.sub(" ", text)
    # a LaTeX power of ten reads as one number: 1.1 \times 10^{-40} -> 1.1e-40, 10^{-9} -> 1e-9
    text = re.sub(r"(\d+(?:\.\d+)?)\s*(?:\\times|\\cdot|×)\s*10\^\{?(-?\d+)\}?",
                  lambda m: f"{m.group(1)}e{m.group(2)}", text)
    return re.sub(r"(?<![\d.])10\^\{?(-?\d+)\}?", lambda m: f"1e{m.group(1)}", text)


def numbers_in_text(text: str) -> list[str]:
    return [m.group(0) for m in NUMBER.finditer(_clean(text))]


def numbers_in(path) -> dict[str, int]:
    """{number as written: how many times it occurs} over the notebook's markdown cells."""
    found: dict[str, int] = {}
    for text in markdown_of(path):
        for tok in numbers_in_text(text):
            found[tok] = found.get(tok, 0) + 1
    return found


# --- reading a written number ----------------------------------------------------------------------

def value_of(token: str) -> float:
    return float(token.rstrip("%").replace(",", ""))


def matches(token: str, value: float, rel: float | None = None) -> bool:
    """Whether ``value`` is the number ``token`` writes: equal after rounding it as the token is
    rounded (decimals shown, or significant digits for e-notation), or within ``rel``."""
    want = value_of(token)
    value = float(value)
    if rel is not None:
        return abs(value - want) <= rel * abs(want)
    body = token.rstrip("%").replace(",", "").lstrip("-")
    if "e" in body:
        mantissa = body.split("e")[0]
        digits = len(mantissa.replace(".", "").lstrip("0")) or 1
        return float(f"{value:.{digits - 1}e}") == want
    decimals = len(body.split(".")[1]) if "." in body else 0
    return abs(round(value, decimals) - want) < 0.5 * 10 ** -(decimals + 6) + 1e-12 * abs(want)


def literal_in_code(token: str, sources: list[str]) -> bool:
    """Whether the number appears as a literal in one of the code sources (1_000 and 1e3 forms too).
    A negative number needs its minus sign on the literal (``-6.0``, not ``x - 6``); a positive one
    matches a literal of either sign."""
    want = value_of(token)
    lit = re.compile(r"(?<![\w.])(-?)(\d[\d_]*(?:\.\d+)?(?:e-?\d+)?)(?![\w])")
    for src in sources:
        for m in lit.finditer(src):
            try:
                size = float(m.group(2).replace("_", ""))
            except ValueError:
                continue
            if size == abs(want) and (want >= 0 or m.group(1)):
                return True
    return False


if __name__ == "__main__":       # python3 tests/_prose.py notebooks/NN-....ipynb: the numbers to list
    import sys

    for p in sys.argv[1:]:
        print(p)
        for tok, n in numbers_in(p).items():
            print(f"    {tok!r:>12}  x{n}")
