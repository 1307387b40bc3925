"""Batches of independent work spread over worker processes."""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

PARALLEL_MIN = 400  # below this many items, worker start-up costs more than it saves


def in_workers[Item, Result](batch: Callable[[list[Item]], list[Result]],
                             items: Sequence[Item], jobs: int = 1) -> list[Result]:
    """`batch(items)`, in `jobs` worker processes when there are many items.

    `batch` maps a list to one result per item, in order, and must be a module-level
    function (workers import it). The results come back in the order of `items`. Where
    no worker can start, the work is done in this process.
    """
    work = list(items)
    if jobs <= 1 or len(work) < PARALLEL_MIN:
        return batch(work)
    chunks = [work[i::jobs] for i in range(jobs)]
    context = multiprocessing.get_context("forkserver")
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=quiet_source_warnings) as pool:
            parts = list(pool.map(batch, chunks))
    except (BrokenProcessPool, OSError):
        return batch(work)
    return [parts[i % jobs][i // jobs] for i in range(len(work))]


def quiet_source_warnings() -> None:
    """Leave unprinted the warnings Python gives when it parses the scanned code (an
    invalid escape sequence in a string): they are the scanned project's, not assay's,
    and printed they bury what assay says."""
    warnings.filterwarnings("ignore", category=SyntaxWarning)
