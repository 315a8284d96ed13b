#!/usr/bin/env python3
"""Link the notebooks to the glossary (docs/glossary.md), and check the links are there.

    python tools/glossary.py link [NB ...]    # link the first occurrence of every glossary term
                                              # in each notebook's prose to its glossary entry
    python tools/glossary.py check [NB ...]   # list terms whose first occurrence is not linked
                                              # (exit status 1 if there are any)
    python tools/glossary.py terms            # list the entries, their anchors and matched words

Without NB arguments both commands work on every notebook in notebooks/.

The glossary. Each entry in docs/glossary.md is an explicit anchor, a level-3 heading and a body:

    <a id="forget-gate"></a>
    ### forget gate
    <!-- match: forget gate; forget-gate -->        (optional: the words to look for)
    One or two sentences of definition ...
    | English | Hindi | Chinese | Dutch | Turkish | Italian |
    | --- | --- | --- | --- | --- | --- |
    | forget gate | ... | ... | ... | ... | ... |

A link to an entry is ``../docs/glossary.md#<anchor>`` (the notebooks live in notebooks/). The
words looked for are the heading, split at a parenthesis ("recurrent neural network (RNN)" gives
both "recurrent neural network" and "RNN"), unless a ``<!-- match: a; b -->`` comment lists them.
A word with a capital letter matches only with that capitalisation (RNN, Adam); an all-lowercase
one matches in any case. Plurals ending in -s/-es match too, and a space in a term also matches a
hyphen or a line break ("cell state" finds "cell-state").

Where a term counts. In each notebook's markdown cells, except: headings, code (fenced blocks and
`code spans`), math ($...$ and $$...$$), links and images (their text too), HTML tags, bare URLs,
and the navigation cell (tag "nav") and contents cell (tag "toc"). When several terms overlap, the
longest wins ("forget gate" is one occurrence of "forget gate", not of "gate").

Every notebook is treated on its own: a learner may open any of them first, so each notebook
links the first place where it uses a term. `link` is idempotent: a term whose first occurrence
is already a glossary link is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebooks import course_notebooks  # noqa: E402  (one rule for what a course notebook is)

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
NB_DIR = ROOT / "notebooks"
LINK_TARGET = "../docs/glossary.md#"          # from notebooks/ to docs/glossary.md
LANGUAGES = ("English", "Hindi", "Chinese", "Dutch", "Turkish", "Italian")
ANCHOR_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SKIP_TAGS = {"nav", "toc"}


# --- the glossary ---------------------------------------------------------------------------------

@dataclass
class Entry:
    anchor: str
    heading: str
    forms: list[str]
    definition: str
    names: dict[str, str] = field(default_factory=dict)   # language -> the usual term


_ENTRY_RE = re.compile(r'^<a id="([^"]*)"></a>[ \t]*\n###[ \t]+(.+?)[ \t]*\n(.*?)(?=^<a id="|^## |\Z)',
                       re.S | re.M)
_MATCH_RE = re.compile(r"<!--\s*match:(.*?)-->", re.S)


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)]


def default_forms(heading: str) -> list[str]:
    """'recurrent neural network (RNN)' -> ['recurrent neural network', 'RNN']."""
    forms = []
    for part in re.split(r"[()]", heading):
        part = part.strip(" ,;")
        if part:
            forms.append(part)
    return forms


def parse_glossary(text: str) -> list[Entry]:
    """The glossary's entries, in order (raises ValueError on a malformed entry)."""
    entries = []
    for m in _ENTRY_RE.finditer(text):
        anchor, heading, body = m.group(1), m.group(2).strip(), m.group(3)
        match = _MATCH_RE.search(body)
        forms = ([f.strip() for f in match.group(1).split(";") if f.strip()] if match
                 else default_forms(heading))
        lines = body.splitlines()
        names: dict[str, str] = {}
        for k, line in enumerate(lines):
            if line.strip().startswith("|") and _split_row(line)[:1] == ["English"]:
                header = _split_row(line)
                if k + 2 >= len(lines):
                    raise ValueError(f"glossary entry {anchor!r}: its language table has no row")
                row = _split_row(lines[k + 2])
                if len(row) != len(header):
                    raise ValueError(f"glossary entry {anchor!r}: the table row has {len(row)} cells, "
                                     f"the header {len(header)}")
                names = dict(zip(header, row))
                break
        definition = " ".join(line.strip() for line in lines
                              if line.strip() and not line.strip().startswith(("|", "<!--")))
        entries.append(Entry(anchor, heading, forms, definition, names))
    return entries


def load_glossary(path: Path = GLOSSARY) -> list[Entry]:
    return parse_glossary(Path(path).read_text(encoding="utf-8"))


# --- finding terms in markdown --------------------------------------------------------------------

_SEP = r"(?:[ \t]*\n[ \t]*|[ \t]+|-)"          # between the words of a term: space, line break, hyphen


def _form_pattern(form: str) -> str:
    words = re.split(r"[\s-]+", form.strip())
    body = _SEP.join(re.escape(w) for w in words)
    if form[-1:].isalpha():
        body += "(?:s|es)?"                   # plurals: gates, biases, LSTMs
    return f"(?:{body})" if any(c.isupper() for c in form) else f"(?i:{body})"


class TermMatcher:
    """Finds glossary terms in text: leftmost first, and at one position the longest form wins.

    The forms are grouped by their first letter, so each word start is tried only against the
    forms that can begin there (one big alternation of every form is about ten times slower).
    """

    _START = re.compile(r"(?<![\w-])\w")
    _END = r"(?![\w])(?!-[A-Za-z])"          # a term ends at a word boundary, not inside a hyphenated word

    def __init__(self, entries: list[Entry]):
        pairs = sorted(((form, e.anchor) for e in entries for form in e.forms), key=lambda p: -len(p[0]))
        by_letter: dict[str, list[tuple[str, str]]] = {}
        for form, anchor in pairs:
            by_letter.setdefault(form[0].lower(), []).append((form, anchor))
        self.regexes, self.anchors = {}, {}
        for letter, group in by_letter.items():
            parts = [f"(?P<g{k}>{_form_pattern(form)})" for k, (form, _) in enumerate(group)]
            self.regexes[letter] = re.compile("(?:" + "|".join(parts) + ")" + self._END)
            self.anchors[letter] = [anchor for _, anchor in group]

    def finditer(self, text: str):
        """Yield (anchor, start, end) for every non-overlapping term in text, left to right."""
        pos = 0
        while True:
            m = self._START.search(text, pos)
            if m is None:
                return
            start = m.start()
            regex = self.regexes.get(text[start].lower())
            hit = regex.match(text, start) if regex is not None else None
            if hit is None:
                pos = start + 1
                continue
            yield self.anchors[text[start].lower()][int(hit.lastgroup[1:])], start, hit.end()
            pos = hit.end()


_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}).*?(?:^[ \t]{0,3}\1[`~]*[ \t]*$|\Z)", re.S | re.M)
_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t].*)?$", re.M)
_CODE_RE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_DISPLAY_MATH_RE = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH_RE = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$", re.S)
_LINK_RE = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_LINK_RE = re.compile(r"!?\[[^\[\]]+\]\[[^\[\]]*\]")
_HTML_RE = re.compile(r"<!--.*?-->|</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?/?>", re.S)
_URL_RE = re.compile(r"https?://[^\s)>\]]+")
_GLOSSARY_LINK_RE = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]*glossary\.md#([^()\s]+))\)")


def masked(text: str) -> str:
    """text with every place a term may not be linked replaced by NUL (same length, same offsets)."""
    chars = list(text)

    def blank(pattern):
        for m in pattern.finditer("".join(chars)):
            for k in range(m.start(), m.end()):
                if chars[k] != "\n":
                    chars[k] = "\0"

    for pattern in (_FENCE_RE, _CODE_RE, _DISPLAY_MATH_RE, _INLINE_MATH_RE, _HEADING_RE, _LINK_RE,
                    _REF_LINK_RE, _HTML_RE, _URL_RE):
        blank(pattern)
    return "".join(chars)


@dataclass
class Occurrence:
    anchor: str
    cell: int
    start: int
    end: int
    linked: bool          # already a link to the glossary
    text: str


def occurrences(nb, entries: list[Entry]) -> list[Occurrence]:
    """Every occurrence of a glossary term in the notebook's eligible prose, and every existing
    glossary link, in reading order."""
    matcher = TermMatcher(entries)
    known = {e.anchor for e in entries}
    found = []
    for c, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or SKIP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        src = cell.source
        for m in _GLOSSARY_LINK_RE.finditer(src):
            if m.group(3) in known and not _HEADING_RE.match(src, src.rfind("\n", 0, m.start()) + 1):
                found.append(Occurrence(m.group(3), c, m.start(), m.end(), True, m.group(1)))
        for anchor, start, end in matcher.finditer(masked(src)):
            found.append(Occurrence(anchor, c, start, end, False, src[start:end]))
    found.sort(key=lambda o: (o.cell, o.start))
    return found


def first_occurrences(nb, entries) -> dict[str, Occurrence]:
    first: dict[str, Occurrence] = {}
    for occ in occurrences(nb, entries):
        first.setdefault(occ.anchor, occ)
    return first


def link_notebook(nb, entries) -> list[Occurrence]:
    """Link each term's first occurrence in place; return the occurrences that were linked."""
    todo = [o for o in first_occurrences(nb, entries).values() if not o.linked]
    for occ in sorted(todo, key=lambda o: (o.cell, -o.start)):   # from the end: offsets stay valid
        cell = nb.cells[occ.cell]
        src = cell.source
        cell.source = src[:occ.start] + f"[{occ.text}]({LINK_TARGET}{occ.anchor})" + src[occ.end:]
    return todo


def unlinked(nb, entries) -> list[Occurrence]:
    """The terms whose first occurrence in the notebook is not a glossary link."""
    return [o for o in first_occurrences(nb, entries).values() if not o.linked]


def broken_links(nb, entries) -> list[str]:
    """Glossary links whose anchor is not in the glossary."""
    known = {e.anchor for e in entries}
    bad = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            bad += [m.group(3) for m in _GLOSSARY_LINK_RE.finditer(cell.source) if m.group(3) not in known]
    return bad


# --- command line ---------------------------------------------------------------------------------

def notebook_paths(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    return course_notebooks(NB_DIR)


def _context(nb, occ: Occurrence, width: int = 30) -> str:
    src = nb.cells[occ.cell].source
    before = src[max(0, occ.start - width):occ.start].replace("\n", " ")
    after = src[occ.end:occ.end + width].replace("\n", " ")
    return f"...{before}[{occ.text}]{after}..."


def cmd_link(paths, entries) -> int:
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        done = link_notebook(nb, entries)
        if done:
            nbformat.write(nb, path)
        print(f"{path.name}: linked {len(done)} term(s)" + (": " + ", ".join(o.anchor for o in done) if done else ""))
    return 0


def cmd_check(paths, entries) -> int:
    problems = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for occ in unlinked(nb, entries):
            problems += 1
            print(f"{path.name}: first occurrence of '{occ.anchor}' is not linked: {_context(nb, occ)}")
        for anchor in broken_links(nb, entries):
            problems += 1
            print(f"{path.name}: link to a glossary anchor that does not exist: #{anchor}")
    if problems:
        print(f"{problems} problem(s); run: python tools/glossary.py link")
        return 1
    print(f"glossary links OK in {len(paths)} notebook(s)")
    return 0


def cmd_terms(entries) -> int:
    for e in entries:
        print(f"#{e.anchor:<32} {e.heading:<40} matches: {'; '.join(e.forms)}")
    print(f"{len(entries)} entries")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--glossary", type=Path, default=GLOSSARY, help="the glossary (default docs/glossary.md)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("link", "link each term's first occurrence"), ("check", "report unlinked first occurrences")):
        p = sub.add_parser(name, help=text)
        p.add_argument("notebooks", nargs="*", help="notebooks (default: every notebook in notebooks/)")
    sub.add_parser("terms", help="list the glossary's entries and the words they match")
    args = parser.parse_args(argv)
    entries = load_glossary(args.glossary)
    if args.command == "terms":
        return cmd_terms(entries)
    paths = notebook_paths(args.notebooks)
    return (cmd_link if args.command == "link" else cmd_check)(paths, entries)


if __name__ == "__main__":
    sys.exit(main())
