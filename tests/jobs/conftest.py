"""Helpers of the job tests: tiny notebooks written on the fly."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(path: Path, parameters: str | None, *cells: str) -> Path:
    """A notebook with an optional cell tagged ``parameters`` followed by code cells
    (a cell starting with '#md ' is a markdown cell)."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if parameters is not None:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    for source in cells:
        if source.startswith("#md "):
            nb.cells.append(new_markdown_cell(source[4:]))
        else:
            nb.cells.append(new_code_cell(source))
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def fast_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short leases and retry delays, so failures are noticed and retried in seconds."""
    monkeypatch.setenv("GLUE_MAGICS_JOBS_LEASE_SECONDS", "3")
    monkeypatch.setenv("GLUE_MAGICS_JOBS_RETRY_BACKOFF", "0.5")
