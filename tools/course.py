#!/usr/bin/env python3
"""Set up the course's environment and run it: the work behind `make lab` and `make test`.

    python3 tools/course.py lab     # set up .venv if needed, open the course in JupyterLab
    python3 tools/course.py app     # set up .venv if needed, serve the explorers as Voila apps
    python3 tools/course.py slides  # set up .venv if needed, write build/slides/*.slides.html
    python3 tools/course.py site    # set up .venv if needed, build the static site in build/site/
    python3 tools/course.py hub     # set up .venv with the class tools, run JupyterHub for a class
    python3 tools/course.py assignments   # the exercises as nbgrader assignments in build/nbgrader/
    python3 tools/course.py test    # set up .venv if needed, run every test (pytest + nbval)
    python3 tools/course.py test --fast   # the same without notebooks, servers, browser, training
    python3 tools/course.py setup   # only set up .venv

This file only checks the Python version, written so that every Python since 2.7 can read it
(no f-strings, no annotations): an old interpreter then says which version is needed instead
of failing with a SyntaxError. The work is done by tools/_course.py, imported after the check;
`import course` gives its names too.
"""

import os
import sys

if sys.version_info < (3, 10):
    sys.exit("[course] Python 3.10 or newer is needed; this is Python %d.%d.%d. Install Python 3.11 "
             "(https://www.python.org/downloads/ or your system's packages), then run this command "
             "with it, for example: python3.11 tools/course.py lab" % tuple(sys.version_info[:3]))

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from _course import *  # noqa: E402,F401,F403  (importers of `course` get the real module's names)
from _course import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
