"""Write the notebooks in notebooks/ from their cell lists in scripts/notebooks/, executed so they
show their outputs (and are checked by nbval in the test suite).

    .venv/bin/python scripts/make_notebooks.py            # all notebooks
    .venv/bin/python scripts/make_notebooks.py crawl      # one
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
NOTEBOOKS = ["quickstart", "crawl", "etl", "quality", "jobs"]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    return nb


def main(names: list[str]) -> None:
    sys.path.insert(0, str(HERE))
    for name in names or NOTEBOOKS:
        nb = build(importlib.import_module(f"notebooks.{name}").CELLS)
        target = HERE.parent / "notebooks" / f"{name}.ipynb"
        with tempfile.TemporaryDirectory(prefix="glue_magics_notebooks_") as scratch:
            os.environ["GLUE_MAGICS_HOME"] = str(Path(scratch) / ".glue_magics")
            os.environ.pop("GLUE_MAGICS_CATALOG_URL", None)
            NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str(target.parent)}},
            ).execute()
        nbformat.write(nb, target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
