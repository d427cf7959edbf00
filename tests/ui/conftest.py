"""Browser tests: skipped, with the reason, only where Chromium or the built sidebar is missing."""

from __future__ import annotations

import shutil

import pytest

from tests.ui.lab import NODE_MODULES, missing_requirements


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = missing_requirements()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def node_ready() -> None:
    if shutil.which("node") is None or not (NODE_MODULES / ".bin" / "jest").exists():
        pytest.skip("Node.js or labextension/node_modules is missing (./dev test installs both)")
