"""The real-browser tests' Chromium: Debian's, driven by Playwright, never downloaded.

The fixture skips, saying why, when Playwright or Chromium is not on the machine (the servers
themselves are tested all the same). Shared helpers are in browserkit.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browserkit import CHROMIUM, FLAGS


@pytest.fixture
def chromium():
    """A headless Chromium (Playwright's Browser), or a skip saying what is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); the browser test cannot run")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        except Exception as err:  # the browser itself cannot start here
            pytest.skip(f"Chromium did not start: {err}")
        try:
            yield browser
        finally:
            browser.close()
