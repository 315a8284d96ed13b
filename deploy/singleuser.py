"""A student's server on the class hub: copy the course into their home, then start Jupyter.

Runs as the student (so the files are theirs). Copies notebooks/, docs/ and data/ from the
course (LSTM_COURSE_SOURCE) into ~/lstm-course the first time, and on later starts only the
files that are new in the course: a student's edited notebook is never overwritten. Then applies
the per-process memory limit (LSTM_HUB_MEM_BYTES, local processes only; the systemd spawner
enforces a per-student limit itself) and replaces itself with jupyterhub-singleuser.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

PARTS = ("notebooks", "docs", "data")


def copy_course(source: Path, home: Path) -> list:
    """Copy the course's files that the student does not have yet; return what was copied."""
    dest = home / "lstm-course"
    copied = []
    for part in PARTS:
        for src in sorted((source / part).rglob("*")):
            if src.is_dir() or "__pycache__" in src.parts or ".ipynb_checkpoints" in src.parts:
                continue
            target = dest / src.relative_to(source)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            copied.append(target)
    return copied


def limit_memory(nbytes: int) -> None:
    try:
        import resource
    except ImportError:          # not on Windows; the hub runs on Linux
        return
    resource.setrlimit(resource.RLIMIT_AS, (nbytes, nbytes))


def main() -> None:
    source = Path(os.environ["LSTM_COURSE_SOURCE"])
    home = Path(os.environ.get("HOME") or Path.cwd())
    copy_course(source, home)
    os.chdir(home)
    if os.environ.get("LSTM_HUB_MEM_BYTES") and os.environ.get("LSTM_HUB_LIMIT_AS", "1") == "1":
        limit_memory(int(os.environ["LSTM_HUB_MEM_BYTES"]))
    exe = Path(sys.executable).parent / "jupyterhub-singleuser"
    os.execv(str(exe), [str(exe), *sys.argv[1:]])


if __name__ == "__main__":
    main()
