"""A small closed-loop HTTP load generator: processes x keep-alive connections, latencies kept.

Written for bench/pages.py so the benchmark needs nothing beyond the standard library.
"""

from __future__ import annotations

import http.client
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass

Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _worker(port: int, requests: list[Request], seconds: float, queue) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors, index = [], 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and index < len(requests):
        method, path, body, headers = requests[index]
        index += 1
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    queue.put((len(latencies), errors, latencies))


def run_load(
    port: int,
    make_requests: Callable[[int], list[Request]],
    *,
    clients: int,
    seconds: float,
) -> LoadResult:
    """Run `clients` concurrent clients for `seconds`; client i sends make_requests(i) in order."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_worker, args=(port, make_requests(i), seconds, queue))
        for i in range(clients)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    latencies = [value for _, _, values in results for value in values]
    return LoadResult(sum(r[0] for r in results), sum(r[1] for r in results), elapsed, latencies)
