"""Where tasks run: behind one method, so a distributed engine (Ray, Dask) can take over later.

`map` yields results as they finish, not in submission order. Tasks are pulled from the iterable
only as slots free up, so a task built just before it is submitted carries fresh credentials.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Protocol, TypeVar

TaskT = TypeVar("TaskT")
ResultT = TypeVar("ResultT")


class Executor(Protocol):
    def map(
        self, task_fn: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]
    ) -> Iterator[ResultT]: ...


class InlineExecutor:
    """Runs each task in the calling thread: for debugging a function with a plain traceback."""

    def map(self, task_fn: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]) -> Iterator[ResultT]:
        for task in tasks:
            yield task_fn(task)


def _extend_sys_path(paths: Sequence[str]) -> None:
    for path in reversed(paths):
        if path not in sys.path:
            sys.path.insert(0, path)


class ProcessPoolTaskExecutor:
    """A local pool of `workers` processes, started with `spawn` (no forked sockets or threads).

    The processes start on the first `map` and serve every later one until `close()`, so a
    service running many executions pays the workers' start-up (imports) once.
    `import_paths` go to the front of each worker's `sys.path` (the current directory by
    default), so a `module:function` importable where the command runs is importable there too.
    """

    def __init__(
        self, workers: int, import_paths: Sequence[str] | None = None, in_flight_per_worker: int = 2
    ) -> None:
        self.workers = workers
        self.import_paths = list(import_paths) if import_paths is not None else [os.getcwd()]
        self.in_flight = max(1, workers * in_flight_per_worker)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessPoolTaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_extend_sys_path,
                initargs=(self.import_paths,),
            )
        return self._pool

    def map(self, task_fn: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]) -> Iterator[ResultT]:
        pool = self._started()
        pending = iter(tasks)
        running: set[Future[ResultT]] = set()
        try:
            while True:
                while len(running) < self.in_flight:
                    task = next(pending, None)
                    if task is None:
                        break
                    running.add(pool.submit(task_fn, task))
                if not running:
                    return
                done, running = _wait_first(running)
                for future in done:
                    yield future.result()
        finally:
            for future in running:
                future.cancel()


def _wait_first(
    running: set[Future[ResultT]],
) -> tuple[set[Future[ResultT]], set[Future[ResultT]]]:
    done, not_done = wait(running, return_when=FIRST_COMPLETED)
    return set(done), set(not_done)
