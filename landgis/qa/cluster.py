"""The dask client the engines run on: the caller's, one for an address, or a LocalCluster it owns.

dask.distributed is an optional dependency (the ``dask`` extra): it is imported inside functions,
so that landgis works without it until ``engine="dask"`` is asked for.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from landgis.extras import require

__all__ = ["cluster", "gather"]


class _AbandonedGather(logging.Filter):
    """Drops asyncio's "Task exception was never retrieved … AllExit" records.

    ``AllExit`` is how distributed's ``Client.gather`` stops waiting; when Ctrl-C or SIGTERM
    interrupts a gather, the client closes with those waits unawaited, and asyncio logs each with
    a traceback (dozens of them) after the run has already said, in one line, that it was interrupted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (type(exc).__name__ == "AllExit" and type(exc).__module__.startswith("distributed"))


_ABANDONED_GATHER = _AbandonedGather()


@contextmanager
def cluster(scheduler):
    """A dask client: the caller's, one for an address, or a new LocalCluster; what it opened, it closes."""
    require("distributed", "dask")  # one line naming the extra when dask is missing
    from distributed import Client, LocalCluster

    logging.getLogger("asyncio").addFilter(_ABANDONED_GATHER)  # the same object: added once
    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        # a failed task's error reaches the caller as its exception (one line in the CLI): the
        # workers' own log of it would only repeat it on stderr
        # (and its small HTTP server on a free port: a busy 8787 would be one more warning line)
        own = Client(LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.CRITICAL))
    else:
        own = Client(scheduler)
    abandoned = True
    try:
        yield own
        abandoned = False
    finally:
        local = getattr(own, "cluster", None)
        own.close()
        if local is not None:
            local.close()  # which puts distributed's log level back
            if abandoned:  # interrupted or failed: the closing cluster's INFO lines would follow our one line
                logging.getLogger("distributed").setLevel(logging.CRITICAL)


def gather(client, tasks, progress: bool):
    """Compute ``tasks`` on the client and gather their results (with a progress bar when asked)."""
    from distributed import progress as dask_progress

    futures = client.compute(tasks)
    if progress:
        dask_progress(futures)
    return client.gather(futures)
