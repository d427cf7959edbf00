"""A live bar of Spark's stages while a cell runs, and cancelling the cell's jobs on interrupt."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from glue_magics.errors import GlueMagicsError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class Cancelled(GlueMagicsError):
    """The cell was interrupted; its Spark jobs were cancelled."""


class _StageBar:
    """Polls Spark's status tracker and shows tasks done / tasks of the active stages."""

    def __init__(self, spark: SparkSession, description: str) -> None:
        import ipywidgets
        from IPython.display import display

        self.tracker = spark.sparkContext.statusTracker()
        self.bar = ipywidgets.IntProgress(min=0, max=1, description="Spark", bar_style="info")
        self.label = ipywidgets.Label(description)
        self.box = ipywidgets.HBox([self.bar, self.label])
        self.stop = threading.Event()
        display(self.box)
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while not self.stop.wait(0.25):
            try:
                infos = [self.tracker.getStageInfo(s) for s in self.tracker.getActiveStageIds()]
            except Exception:  # the JVM went away; the cell reports that
                return
            stages = [s for s in infos if s is not None]
            if not stages:
                continue
            total = sum(s.numTasks for s in stages)
            done = sum(s.numCompletedTasks for s in stages)
            self.bar.max = max(total, 1)
            self.bar.value = done
            ids = ", ".join(str(s.stageId) for s in stages)
            self.label.value = f"stage {ids}: {done}/{total} tasks"

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=1)
        self.box.close()


def _is_classic(spark: Any) -> bool:
    return hasattr(spark, "sparkContext") and type(spark).__module__.startswith(
        "pyspark.sql.session"
    )


@contextmanager
def spark_job(spark: SparkSession, description: str, *, show_progress: bool) -> Iterator[None]:
    """Run the block's Spark work as one job group: a progress bar in notebooks, and a kernel
    interrupt cancels exactly these jobs (Spark Connect: interrupts the session's operations)."""
    bar = None
    group = f"glue_magics-{uuid.uuid4().hex[:8]}"
    classic = _is_classic(spark)
    if classic:
        spark.sparkContext.setJobGroup(group, description, interruptOnCancel=True)
        if show_progress:
            bar = _StageBar(spark, description)
    try:
        yield
    except KeyboardInterrupt:
        if classic:
            spark.sparkContext.cancelJobGroup(group)
        else:
            spark.interruptAll()
        raise Cancelled(f"interrupted: cancelled the Spark jobs of {description}") from None
    finally:
        if bar is not None:
            bar.close()
        if classic:
            spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
