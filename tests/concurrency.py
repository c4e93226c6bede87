"""Run callables at the same moment on PostgreSQL: one thread and one database connection each."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections
from django.utils import translation


def race(targets: Sequence[Callable[[], object]]) -> list[object]:
    """Each target's result (or the exception it raised), in the targets' order."""
    barrier = threading.Barrier(len(targets))
    results: list[object] = [None] * len(targets)

    def run(index: int, target: Callable[[], object]) -> None:
        translation.activate("zh-hans")
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
