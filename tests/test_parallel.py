"""storyweave.parallel: where a map over independent items runs."""

from __future__ import annotations

import os

import numpy  # noqa: F401  (its BLAS is the library the workers limit)
import pytest
from threadpoolctl import threadpool_info

from storyweave.parallel import fork_map, forks


def _blas_threads(_: int) -> tuple[int, list[int]]:
    return os.getpid(), sorted({lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"})


@pytest.mark.skipif(not forks(4, 2, min_items=1), reason="no fork on this platform")
def test_forked_workers_run_blas_on_one_thread_and_this_process_keeps_its_setting():
    before = _blas_threads(0)
    results = fork_map(_blas_threads, list(range(4)), 2, min_items=1, chunk=1)
    assert {pid for pid, _ in results} - {os.getpid()}  # the items ran in other processes
    assert all(threads == [1] for _, threads in results)
    assert _blas_threads(0) == before


def test_results_come_back_in_input_order_whichever_process_made_them():
    items = list(range(40))
    assert fork_map(lambda x: x * x, items, 2, min_items=4, chunk=3, weight=lambda x: x % 7) == [x * x for x in items]
