"""gunicorn settings read when it is started from the project folder (`gunicorn samsyn.wsgi`).

Workers: threaded (`gthread`), one process per CPU core (`WEB_CONCURRENCY` overrides it) with
`GUNICORN_THREADS` threads each (default 2). The work of a request is CPU in Python (one core
per process, whatever the thread count) with short waits on the database between; two
threads per process cover those waits. Four threads took more CPU per request (more threads
waiting for the interpreter lock, more switching): with 1,000 observers saving every 3 s on
PostgreSQL, 2 × 4 measured 4.1–4.3 ms of server CPU per save (gunicorn + PostgreSQL) and a
p95 of 68–318 ms, 2 × 2 3.9 ms and 48–52 ms (three runs each, session 8). Idle keep-alive
connections wait in each worker's event loop, not in a thread or a process of their own, so a
municipality's 1,000 observers
with the capture page open, each saving every few seconds on their own connection, need no
more processes (measured: `benchmarks/bench_capture_load.py` runs this file; see
docs/operations.md). More threads or processes than that cost CPU per request (switching)
and do not add throughput on the same cores.

Each worker starts the chart runtime before it accepts requests, so the first PDF after a
start is as fast as the next (see samsyn/dashboards/warmup.py). The application is loaded once
in the parent before the fork (`preload_app`), so `samsyn.wsgi`'s report preload runs once and
the workers share it, as warmup.py describes."""

import gc
import os

preload_app = True
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
# Seconds an idle connection is kept open for its next request: longer than the capture
# page's save interval, so an observer's saves reuse one connection (no new TCP and, behind
# TLS termination in gunicorn, no new handshake per save). Behind a proxy, set the proxy's
# upstream keep-alive below this.
keepalive = 75
timeout = 60


def pre_fork(server, worker):
    # The preloaded application (Django, the URLconf, the report preload) is never freed: move
    # it out of the garbage collector's reach before the fork, so a worker's full collections
    # do not walk it (and do not write to its pages, which stay shared with the parent).
    gc.freeze()


def post_worker_init(worker):
    from samsyn.dashboards.warmup import warm_charts

    warm_charts()
