"""notebooks/jobs.ipynb: promote a notebook to a scheduled job, run it with parameters, watch its runs."""

CELLS = [
    (
        "md",
        """# From notebook to scheduled job

`%promote` turns a notebook into a **job**: a versioned snapshot of the notebook, its parameters
(read from the cell tagged `parameters`), a schedule, retries, a timeout and data-quality gates.
A run executes the snapshot in a fresh kernel (papermill), so the notebook you keep editing never
changes a job until you promote it again. Runs are recorded in the catalog with their state,
parameters, executed notebook and log, like Glue job runs.""",
    ),
    ("code", "%load_ext glue_magics"),
    (
        "md",
        """## A notebook to promote

Normally you promote the notebook you are working in (`%promote NAME` finds it). Here we write a
small one first. Its first cell is tagged `parameters`: the defaults there give each parameter
its type.""",
    ),
    (
        "code",
        """import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

folder = Path(tempfile.mkdtemp(prefix="jobs_demo_"))
report = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
parameters = new_code_cell('region = "eu"\\nrows = 3\\nrate = 1.5')
parameters.metadata["tags"] = ["parameters"]
report.cells = [
    parameters,
    new_code_cell("total = rows * rate\\nprint(f'{region}: {rows} rows x {rate} = {total}')"),
    new_code_cell("from glue_magics.jobs.context import job_args, job_run_id\\nprint('run', job_run_id(), 'with', job_args())"),
]
notebook = folder / "sales_report.ipynb"
nbformat.write(report, notebook)
notebook.name""",
    ),
    (
        "md",
        """## Promote it

Glue's `cron(...)` schedules, standard 5-field cron and `@daily`-style aliases all work, in any
time zone. `--param` sets the job's default arguments (checked against the defaults' types),
`--retries` retries failed runs with exponential backoff.""",
    ),
    (
        "code",
        '%promote sales_report --notebook {notebook} --schedule "cron(0 6 ? * MON-FRI *)" --timezone Europe/Paris --param rows=5 --retries 1 --tag demo',
    ),
    ("code", "%jobs list"),
    (
        "md",
        """## Run it now, with parameters

Run arguments given as text are converted to each parameter's type. A value that does not fit
is refused before any kernel starts, and no run is recorded.""",
    ),
    ("code", "%jobs run sales_report --param region=us --param rate=2 --wait"),
    (
        "code",
        """from glue_magics.errors import InvalidInputError

try:
    get_ipython().run_line_magic("jobs", "run sales_report --param rows=many")
except InvalidInputError as err:
    print(err)""",
    ),
    ("code", "%jobs runs sales_report -o runs"),
    (
        "md",
        """## What the run printed

Each run keeps its executed notebook (with the injected parameters cell after the `parameters`
cell) and its log under `$GLUE_MAGICS_HOME/jobs/runs/<id>/`.""",
    ),
    (
        "code",
        """from glue_magics.catalog import open_catalog

run = open_catalog().get_job_run(int(runs["run"][0]))
executed = nbformat.read(run.output_path, as_version=4)
for cell in executed.cells:
    for output in cell.get("outputs", []):
        print(output.get("text", ""), end="")""",
    ),
    (
        "md",
        """## New versions

Promoting again stores a new version; `%jobs diff` shows which cells changed.""",
    ),
    (
        "code",
        """report.cells.append(new_code_cell("print('done')"))
nbformat.write(report, notebook)""",
    ),
    ("code", "%promote sales_report --notebook {notebook} --schedule @daily --param rows=5"),
    ("code", "%jobs diff sales_report 1 2"),
    (
        "md",
        """## The scheduler

Scheduled runs start when a scheduler is running: `glue-magics scheduler` in a terminal (or the
one inside Jupyter's server). Several schedulers may share a catalog: each fire time runs exactly
once. The same job can also be handed to Airflow:""",
    ),
    ("code", "%jobs export sales_report --airflow"),
]
