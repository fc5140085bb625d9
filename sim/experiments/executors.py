"""Where batches of runs execute: this machine (default) or a Dask cluster.

Both executors take the same batch function and batches and yield each batch's result
as it finishes, in whatever order. Runs are seeded from their own ids, so the results do
not depend on the executor, the number of workers or the order of completion.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

Batch = Sequence[dict[str, Any]]
BatchFunction = Callable[[Batch], list[dict[str, Any]]]
Failed = Callable[[Batch, str], list[dict[str, Any]]]


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: from a fork server that has imported the package.

    A fork server never forks the (possibly threaded) parent, and its children start
    without re-importing the models, which takes seconds. Where there is no fork server
    (Windows, macOS defaults aside), fresh interpreters are spawned instead.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sim.experiments.sweep"])
        return context
    return multiprocessing.get_context("spawn")


class LocalExecutor:
    """A pool of worker processes on this machine (in-process when workers == 1)."""

    def __init__(self, workers: int = 1) -> None:
        """Use `workers` processes."""
        self.workers = max(1, workers)

    def run(self, fn: BatchFunction, batches: Sequence[Batch], failed: Failed) -> Iterator[list]:
        """Yield each batch's rows as it finishes.

        A batch that raises is `failed`. If a worker process dies, the pool is rebuilt and
        its unfinished batches are tried once more, then recorded as failed.
        """
        if self.workers == 1:
            for batch in batches:
                yield fn(batch)
            return
        pending = list(batches)
        for attempt in range(2):
            if not pending:
                return
            pending = yield from self._pool_round(fn, pending, failed, last=attempt == 1)

    def _pool_round(self, fn: BatchFunction, batches: list[Batch], failed: Failed, last: bool):
        """Run batches in one pool; return those lost to a dead worker."""
        lost: list[Batch] = []
        queue = iter(batches)
        context = worker_context()
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            futures: dict[Future, Batch] = {}

            def submit_next() -> None:
                batch = next(queue, None)
                if batch is None:
                    return
                try:
                    futures[pool.submit(fn, batch)] = batch
                except BrokenProcessPool:
                    lost.append(batch)

            for _ in range(2 * self.workers):  # at most two batches per worker in flight
                submit_next()
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = futures.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        lost.append(batch)
                    except Exception as error:  # recorded; the sweep goes on
                        yield failed(batch, f"{type(error).__name__}: {error}")
                    submit_next()
            lost.extend(queue)
        if last:
            for batch in lost:
                yield failed(batch, "worker process died (tried twice)")
            return []
        return lost


CONNECT_TIMEOUT_S = 10.0  # to reach a scheduler
WORKER_TIMEOUT_S = 30.0  # for a reached scheduler to have at least one worker


class ClusterError(ValueError):
    """A Dask cluster that cannot be used (unreachable, or with no workers)."""


class DaskExecutor:
    """A Dask distributed cluster: `local` starts a LocalCluster, else a scheduler address."""

    def __init__(self, address: str, workers: int = 2, retries: int = 2) -> None:
        """Describe the cluster; `connect` (or `run`) reaches it."""
        self.address = address
        self.workers = max(1, workers)
        self.retries = retries
        self._client = None
        self._cluster = None

    def connect(self) -> None:
        """Reach the scheduler and wait for a worker, or fail in one line within the timeouts.

        Called before anything is written, so an unusable cluster leaves no folder behind.
        """
        if self._client is not None:
            return
        from dask.distributed import Client, LocalCluster

        if self.address == "local":
            self._cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                dashboard_address=None,
            )  # fmt: skip
            self._client = Client(self._cluster)
            return
        try:
            self._client = Client(self.address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"cluster: cannot reach a Dask scheduler at '{self.address}' "
                               f"within {CONNECT_TIMEOUT_S:g} s ({type(error).__name__})") from None
        try:
            self._client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
        except (OSError, TimeoutError) as error:
            self._client.close()
            self._client = None
            raise ClusterError(
                f"cluster: the scheduler at '{self.address}' has no worker after "
                f"{WORKER_TIMEOUT_S:g} s ({type(error).__name__}); start one with "
                f"`dask worker {self.address}`"
            ) from None

    def run(self, fn: BatchFunction, batches: Sequence[Batch], failed: Failed) -> Iterator[list]:
        """Yield each batch's rows as it finishes; a batch failing after retries is `failed`."""
        from dask.distributed import as_completed

        self.connect()
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        try:
            futures = {
                client.submit(fn, list(batch), retries=self.retries, pure=False): batch
                for batch in batches
            }
            for future in as_completed(futures):
                batch = futures[future]
                try:
                    yield future.result()
                except Exception as error:  # recorded; the sweep goes on
                    yield failed(batch, f"{type(error).__name__}: {error}")
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
