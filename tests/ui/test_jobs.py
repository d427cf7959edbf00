"""The Jobs view in a real JupyterLab and Chromium: promote the open notebook with the command's
dialog, run it from the panel with a changed parameter (a real kernel, started by the server),
watch it reach SUCCEEDED, read its log and open its executed notebook. Screenshots go to
tests/ui/artifacts/ (30-38)."""

from __future__ import annotations

from pathlib import Path

from tests.jobs.conftest import write_notebook
from tests.ui.lab import start_lab
from tests.ui.test_sidebar import run_driver

JOB = "daily_report"


def test_promote_run_and_open_the_output(
    browser_ready: None, tmp_path: Path, glue_home: Path
) -> None:
    lab = start_lab(tmp_path / "lab", glue_home)
    try:
        write_notebook(
            lab.root / "report.ipynb",
            "rows = 10\nregion = 'eu'",
            "print('rows x2 =', rows * 2, region)",
        )
        driver = run_driver(lab, "jobs", {"notebook": "report.ipynb", "job": JOB})
        jobs = lab.api("glue-magics/api/jobs")["jobs"]
    finally:
        lab.stop()
    events = {e["event"]: e for e in driver.events}
    assert events["schedule"]["text"].startswith("at 06:00 Europe/Paris, Monday to Friday")
    assert events["defaults"]["values"] == {"rows": "10", "region": "eu"}
    assert "rows x2 = 42 eu" in events["log"]["text"]
    assert "/glue-magics/api/job-runs/" in events["output"]["url"]
    assert "rows x2 = 42 eu" in events["output"]["text"]
    assert events["badges"]["states"] == ["SUCCEEDED"]
    [job] = jobs
    assert job["name"] == JOB and job["last_runs"][0]["state"] == "SUCCEEDED"
    shots = [e["screenshot"] for e in driver.events if e.get("screenshot")]
    assert len(shots) == 9 and all(Path(s).stat().st_size > 1000 for s in shots)
