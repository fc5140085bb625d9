"""Where batches of runs execute: this machine (default) or a Dask cluster.

Both executors take the same batch function and batches and yield each batch's result
as it finishes, in whatever order. Runs are seeded from their own ids, so the results do
not depend on the executor, the number of workers or the order of completion.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any

Batch = Sequence[dict[str, Any]]
BatchFunction = Callable[[Batch], list[dict[str, Any]]]
Failed = Callable[[Batch, str], list[dict[str, Any]]]

ATTEMPTS = 2  # a batch whose worker dies under it this often is recorded as failed


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


_started: Any = None  # in a worker: the shared array where it notes the batch it runs


def _init_worker(parent_alive: Connection, started: Any) -> None:
    """Start a worker: exit as soon as the process that made the pool is gone.

    `parent_alive` is the read end of a pipe whose only write end the parent holds, so
    it reads end-of-file the moment the parent dies, even by `kill -9`; without this, the
    workers (and the fork server, which waits for them) would outlive it.
    """
    global _started
    _started = started

    def watch() -> None:
        with suppress(EOFError, OSError):
            parent_alive.recv_bytes()
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run_noted(fn: BatchFunction, index: int, batch: Batch) -> list[dict[str, Any]]:
    """Run batch number `index`, noting in the shared array which process runs it."""
    if _started is not None:
        _started[index] = os.getpid()
    return fn(batch)


@contextmanager
def worker_pool(workers: int, started: Any = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers exit when this process dies.

    `started`, a shared integer array, lets `_run_noted` record which worker runs what.
    """
    context = worker_context()
    parent_alive, keep_alive = context.Pipe(duplex=False)
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker,
            initargs=(parent_alive, started),
        ) as pool:  # fmt: skip
            yield pool
    finally:
        keep_alive.close()
        parent_alive.close()


class LocalExecutor:
    """A pool of worker processes on this machine (in-process when workers == 1)."""

    def __init__(self, workers: int = 1) -> None:
        """Use `workers` processes."""
        self.workers = max(1, workers)

    def run(self, fn: BatchFunction, batches: Sequence[Batch], failed: Failed) -> Iterator[list]:
        """Yield each batch's rows as it finishes.

        A batch that raises is `failed`. If a worker process dies, the pool is rebuilt and
        every unfinished batch is run again. Only the batch that was running on the dead
        worker is charged: it is retried one run at a time, so that only the run that
        kills its worker is `failed`, after `ATTEMPTS` deaths.
        """
        if self.workers == 1:
            for batch in batches:
                yield fn(batch)
            return
        batches = list(batches)
        charged = [0] * len(batches)
        pending = list(range(len(batches)))
        while pending:
            lost, culprits = yield from self._pool_round(fn, batches, pending, failed)
            pending = [index for index in lost if index not in culprits]
            for index in culprits:
                charged[index] += 1
                if charged[index] >= ATTEMPTS:
                    yield failed(batches[index], f"worker process died ({ATTEMPTS} times)")
                elif len(batches[index]) == 1:
                    pending.append(index)
                else:  # find the run that kills its worker
                    for task in batches[index]:
                        pending.append(len(batches))
                        batches.append([task])
                        charged.append(charged[index])

    def _pool_round(
        self, fn: BatchFunction, batches: Sequence[Batch], pending: list[int], failed: Failed
    ):
        """Run the pending batches in one pool until done or the pool breaks.

        Returns the batches lost to a broken pool and, of those, the ones to charge: the
        batches whose worker died of something other than the pool's own clean-up (which
        terminates the healthy workers), or every started one if that cannot be told.
        """
        lost: list[int] = []
        queue = iter(pending)
        started = worker_context().RawArray("q", len(batches))
        with worker_pool(self.workers, started) as pool:
            processes = getattr(pool, "_processes", None) or {}  # pid -> Process, for exit codes
            futures: dict[Future, int] = {}

            def submit_next() -> None:
                index = next(queue, None)
                if index is None:
                    return
                try:
                    futures[pool.submit(_run_noted, fn, index, batches[index])] = index
                except BrokenProcessPool:
                    lost.append(index)

            for _ in range(2 * self.workers):  # at most two batches per worker in flight
                submit_next()
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    index = futures.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        lost.append(index)
                    except Exception as error:  # recorded; the sweep goes on
                        yield failed(batches[index], f"{type(error).__name__}: {error}")
                    submit_next()
            lost.extend(queue)
            processes = dict(processes)
        return lost, _culprits(lost, started, processes)


def _culprits(lost: list[int], started: Any, processes: dict[int, Any]) -> list[int]:
    """Of the lost batches, those running on a worker that died of its own accord."""
    running = [index for index in lost if started[index]]
    terminated = -int(signal.SIGTERM)
    died = [i for i in running if _exitcode(processes, started[i]) not in (terminated, None)]
    return died or running or lost  # each broken pool charges someone, so retries end


def _exitcode(processes: dict[int, Any], pid: int) -> int | None:
    process = processes.get(pid)
    return None if process is None else process.exitcode
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
