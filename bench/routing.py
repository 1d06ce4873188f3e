"""Benchmark: how long the app takes to find the route of a request (api/routing.py).

    .venv/bin/python -m bench.routing [--repeat 200]

For every route the app serves (a sample path for each), and for a path nobody serves, the
time to find its route the way FastAPI's router does (every included router in turn, then the
chosen router once more), best of 5 rounds. Figures: median, 90th percentile and maximum over
the routes, and the unknown path; with the routers' one-expression index and without it
(every route asked, as FastAPI does by itself).
"""

import argparse
import statistics
import time
from unittest import mock

from api.app import create_app
from api.routing import Router
from bench.processes import report
from core.settings import Settings
from tests.support.routing import requests, resolve
from tests.support.system import TEST_SECRET


def timings(app, asked: list[tuple[str, str]], repeat: int) -> list[float]:
    """Microseconds to resolve each request, best of 5 rounds of `repeat`."""
    spent = []
    for method, path in asked:
        rounds = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeat):
                resolve(app, method, path)
            rounds.append((time.perf_counter() - start) / repeat * 1e6)
        spent.append(min(rounds))
    return spent


def summary(spent: list[float], unknown: float) -> dict:
    ordered = sorted(spent)
    return {"median_us": round(statistics.median(ordered), 1),
            "p90_us": round(ordered[int(len(ordered) * 0.9)], 1),
            "max_us": round(ordered[-1], 1), "unknown_path_us": round(unknown, 1)}


def main(args: argparse.Namespace) -> dict:
    app = create_app(Settings(_env_file=None, environment="test", secret_key=TEST_SECRET))
    asked = [r for r in requests(app) if resolve(app, *r) is not None]
    figures = {"routes": len(asked)}
    for name, index in (("with_index", True), ("without_index", False)):
        with mock.patch.object(Router, "_paths", Router._paths if index else lambda self: None):
            spent = timings(app, asked, args.repeat)
            unknown = timings(app, [("GET", "/no/such/page")], args.repeat)[0]
        figures[name] = summary(spent, unknown)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    report("routing", main(parser.parse_args()))
