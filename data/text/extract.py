"""Rebuild ``python-tutorial.txt`` from Debian's ``python3.11-doc`` package.

Where the text comes from: the reStructuredText sources of the Python tutorial, as Debian ships
them in ``python3.11-doc`` (version 3.11.2-6+deb12u9, bookworm-security) under
``usr/share/doc/python3.11/html/_sources/tutorial/*.rst.txt``. Licence: PSF License Agreement
(see SOURCE.md). This script is not run by CI; it documents how the committed text was made:

    cd /tmp/charlm && apt-get download python3.11-doc && dpkg-deb -x python3.11-doc_*.deb x
    python data/text/extract.py /tmp/charlm/x/usr/share/doc/python3.11/html/_sources/tutorial

Light cleaning only (listed in SOURCE.md): Sphinx-only lines (labels, index entries, comments,
toctree) are dropped, roles such as :keyword:`if` become their text, the five non-ASCII
characters become ASCII, trailing spaces go, and runs of blank lines shrink to one blank line.
The chapters are joined in the tutorial's own order, each introduced by a line ``%%% file``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# The order of the tutorial's table of contents (index.rst), the index page first.
CHAPTERS = ["index", "appetite", "interpreter", "introduction", "controlflow", "datastructures",
            "modules", "inputoutput", "errors", "classes", "stdlib", "stdlib2", "venv", "whatnow",
            "interactive", "floatingpoint", "appendix"]

ASCII = {"É": "E", "é": "e", "景太郎": "Keitaro"}
# Sphinx directives whose whole block (the line and its indented continuation) is dropped.
DROP_BLOCKS = ("index", "toctree", "sectionauthor", "testsetup", "only", "highlight")
ROLE = re.compile(r":[a-z:]+:`([^`]*)`")


def role_text(match: re.Match) -> str:
    """:ref:`text <target>` -> text; :keyword:`!if` -> if; :meth:`~a.b` -> b."""
    body = match.group(1)
    named = re.fullmatch(r"(.*?)\s*<[^>]*>", body, flags=re.S)
    if named:
        return named.group(1)
    body = body.lstrip("!")
    if body.startswith("~"):
        body = body[1:].rsplit(".", 1)[-1]
    return body


def clean(text: str) -> str:
    for k, v in ASCII.items():
        text = text.replace(k, v)
    out, skipping = [], False
    for line in text.splitlines():
        if skipping:
            if line.strip() == "" or line.startswith((" ", "\t")):
                continue
            skipping = False
        stripped = line.strip()
        if re.match(r"\.\. _[^:]*:\s*$", stripped):               # a label
            continue
        m = re.match(r"\.\. ([a-z-]+)::", stripped)
        if m and m.group(1) in DROP_BLOCKS:
            skipping = True
            continue
        if line.startswith(".. ") and "::" not in line:          # a comment block
            skipping = True
            continue
        out.append(line.rstrip().expandtabs(8))
    text = ROLE.sub(role_text, "\n".join(out))                 # roles may span two lines
    text = re.sub(r"\n{3,}", "\n\n", text)                       # at most one blank line
    return text.strip("\n") + "\n"


def main(src: str, dest: str | None = None) -> None:
    folder = Path(src)
    parts = [f"%%% {name}\n\n" + clean((folder / f"{name}.rst.txt").read_text(encoding="utf-8"))
             for name in CHAPTERS]
    text = "\n".join(parts)
    assert text.isascii(), "the cleaned text should be plain ASCII"
    out = Path(dest) if dest else Path(__file__).with_name("python-tutorial.txt")
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(text):,} characters, {len(set(text))} distinct")


if __name__ == "__main__":
    main(*sys.argv[1:])
