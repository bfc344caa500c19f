"""One browser check of a built site, shared by the page tests: headless Chromium at desktop
and phone widths, links and anchors resolving, nothing overflowing, no console error; skipped
without a browser unless CI requires one (``ST9X_REQUIRE_BROWSER``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def check_in_browser(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from st9x.testing.browser import main as browser_main
    from st9x.testing.browser import unavailable

    reason = unavailable()
    if reason is not None:
        if os.environ.get("ST9X_REQUIRE_BROWSER"):
            pytest.fail(f"ST9X_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    assert browser_main([str(site)]) == 0
    assert "browser: 0 problem(s)" in capsys.readouterr().out
