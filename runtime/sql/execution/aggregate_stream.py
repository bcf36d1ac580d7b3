"""A partial aggregate's runs: group the input a run at a time, merge the runs that shrink.

A partial ``HashAggregateExec`` under a memory budget groups its input as it comes, one run
of buffered batches at a time: a run closes when it holds ``run_rows`` rows or when the
buffer's budget is full (a word count's text block of ~1 million words, a Parquet row
group). A run's buffers are freed before the next one is read, so a task reuses its heap
(allocators.py) and hashes a run while it is still in cache.

Each run gives one partial row per group *of that run*, so the same group comes out of
many runs. Where runs shrink (fewer than ``1 / MIN_REDUCTION`` of their rows come out as
groups: a word count's 50,000 words), their partial rows are held and merged into one row
per group at the end with the final merge functions (``MERGE``: a sum of counts...), so the
exchange carries one row per group and task instead of one per group and run (a word
count: 50,000 instead of 400,000). Where a run barely shrinks (a near-unique key), merging
would hash the rows a second time for nothing: that run and every later one goes out as it
is, and the final aggregate merges them, as before. At most ``HELD_ROWS`` partial rows are
held, and only while ``hold(bytes held)`` grants their memory (the task's budget); runs past
that go out unmerged.

State: none between calls; one call walks one partition. ``buffer`` is a BatchBuffer
(spill.py: ``add`` answers False once over budget, ``rows``, ``take``);
``aggregate(batches)`` groups input batches into one partial batch; ``merge(batches)``
merges partial batches into one, or is None where the parts do not merge exactly;
``hold(nbytes)`` answers whether that much memory may be held for the merge (None: yes).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

__all__ = ["HELD_ROWS", "MIN_REDUCTION", "partial_runs"]

#: a run whose groups are at most its rows / MIN_REDUCTION is held for the merge
MIN_REDUCTION = 4
#: the most partial rows held for the merge
HELD_ROWS = 1 << 20


def partial_runs(batches: Iterator[Any], buffer: Any, run_rows: int,
                 aggregate: Callable[[list], Any],
                 merge: Callable[[list], Any] | None,
                 hold: Callable[[int], bool] | None = None) -> Iterator[Any]:
    """The partial batches of ``batches``, grouped run by run (see the module doc)."""
    held: list = []
    held_rows = held_bytes = 0
    merging = merge is not None
    emitted = False
    for b in batches:
        if not b.num_rows or (buffer.add(b) and buffer.rows < run_rows):
            continue
        rows = buffer.rows
        part = aggregate(buffer.take())
        merging = merging and part.num_rows * MIN_REDUCTION <= rows
        if merging and held_rows + part.num_rows <= HELD_ROWS and \
                (hold is None or hold(held_bytes + part.nbytes)):
            held.append(part)
            held_rows += part.num_rows
            held_bytes += part.nbytes
        else:
            emitted = True
            yield part
    if buffer.rows or not (held or emitted):
        held.append(aggregate(buffer.take()))
    if len(held) > 1 and merge is not None:
        yield merge(held)
    else:
        yield from held
