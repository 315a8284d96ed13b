"""What the slides and the static site load in the browser, from packages the course installs,
so that both work with no network (a classroom without internet, a laptop on a train).

- MathJax 3 (the package ``django-static-mathjax``, import name ``mathjax``): one file,
  ``tex-svg-full.js``, with every TeX extension and the SVG output built in, so it asks for
  nothing else (no fonts, no extensions loaded on demand).
- reveal.js 5 (the package ``sphinx-revealjs``, which ships it for Sphinx; it pulls Sphinx in):
  its script, its CSS, the "white" theme (the one that loads no Google Fonts) with its font, and
  the speaker-notes plugin.

``copy_mathjax(out)`` and ``copy_reveal(out)`` copy them into ``out/_assets/`` and return the path
a page in ``out`` uses (relative, so the folder can be moved or published as it is). Standard
library only; the packages are found without importing them (importing sphinx_revealjs would
import Sphinx).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ASSETS = "_assets"
MATHJAX_FILE = "tex-svg-full.js"
# reveal.js files a slide deck uses, relative to the package's revealjs folder
REVEAL_FILES = ("dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/white.css",
                "dist/theme/fonts/source-sans-pro", "plugin/notes/notes.js")


def package_dir(name: str, pip_name: str) -> Path:
    """The folder of the installed package ``name`` (``pip_name`` on PyPI), found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {pip_name} is not installed; `python3 tools/course.py setup` installs it "
                           "(it is in pyproject.toml's course extra)")
    return Path(list(spec.submodule_search_locations)[0])


def mathjax_source() -> Path:
    return package_dir("mathjax", "django-static-mathjax") / "static" / "mathjax" / "es5" / MATHJAX_FILE


def reveal_source() -> Path:
    return package_dir("sphinx_revealjs", "sphinx-revealjs") / "_static" / "revealjs"


def _copy(src: Path, dst: Path) -> None:
    """Copy a file or a folder, skipping files already there with the same size."""
    if src.is_dir():
        for f in src.rglob("*"):
            if f.is_file():
                _copy(f, dst / f.relative_to(src))
        return
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def copy_mathjax(out) -> str:
    """Put MathJax in ``out``/_assets/mathjax/; returns its URL relative to a page in ``out``."""
    _copy(mathjax_source(), Path(out) / ASSETS / "mathjax" / MATHJAX_FILE)
    return f"{ASSETS}/mathjax/{MATHJAX_FILE}"


def copy_reveal(out) -> str:
    """Put reveal.js in ``out``/_assets/reveal.js/; returns the prefix (relative to a page in
    ``out``) that nbconvert's slides expect: PREFIX/dist/reveal.js, PREFIX/plugin/notes/notes.js."""
    src = reveal_source()
    for name in REVEAL_FILES:
        _copy(src / name, Path(out) / ASSETS / "reveal.js" / name)
    return f"{ASSETS}/reveal.js"


def mathjax_html(url: str) -> str:
    """The <script> elements that typeset a page's TeX with MathJax 3 from ``url``: $...$ and
    \\(...\\) inline, $$...$$ and \\[...\\] displayed, as JupyterLab reads them. (nbconvert's own
    templates configure MathJax 2, whose API MathJax 3 no longer has.)"""
    return f"""<script>
window.MathJax = {{
  tex: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true, tags: 'ams'}},
  svg: {{fontCache: 'global'}},
  options: {{skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code']}}
}};
</script>
<script defer src="{url}"></script>"""
