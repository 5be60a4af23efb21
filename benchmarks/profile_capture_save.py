"""CPU per capture save, in-process (a script; not part of `make bench`).

    .venv/bin/python benchmarks/profile_capture_save.py [--loops 200] [--profile]

A fresh SQLite file database (SAMSYN_DATA_DIR in a temporary directory) is set up as
`bench_capture_load.py` does (one round, observers with a session each). The WSGI application
(`samsyn.wsgi.application`, all middleware) is then called directly, without a server, with the
benchmark's request cycle: PUT 9 ratings (201) → PUT 10 (200) → the same PUT again (200) →
POST submit (200). `time.process_time()` over the loops divided by the requests is the CPU per
save; `--profile` prints the cProfile top functions (CPU time; PROF_SORT=tottime and PROF_N=80
change the order and the length; PROF_DUMP=1 also writes /tmp/capture.prof).

Prints the mean CPU per save, its ratio to issue #24's baseline (15 ms per save) and PASS or
FAIL against the target (≤ 4 ms, the mean of the four requests); exits 1 on a miss. The figure
is CPU time, but it still moves with the machine's load (shared caches and cores): the load
average is printed beside it.
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KINDS = ("put-create", "put-update", "put-resend", "submit")
TARGET_MS = 4.0  # CPU per save, the mean of the cycle's four requests (issue #24)
BASELINE_MS = 15.0  # CPU per save when issue #24 was opened
sys.path.insert(0, str(REPO))


def backend_pid() -> int:
    """The PostgreSQL server process serving this process's connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def backend_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) a server process has used so far; 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loops", type=int, default=200)
    parser.add_argument("--observers", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one save cycle")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to set up and use (e.g. from scripts/postgres.sh, after "
        "CREATE DATABASE); its backend's CPU per request is printed too (same host)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="samsyn-prof-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # the database made for the run
    os.environ.update(
        SAMSYN_DATA_DIR=str(work),
        SQLITE_PATH=str(work / "prof.sqlite3"),
        DJANGO_SETTINGS_MODULE="samsyn.settings",
        DEBUG="False",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import bench_capture_load as bench

    setup_path = work / "setup.json"
    bench.phase_setup(args.observers, setup_path, page=False)
    setup = json.loads(setup_path.read_text())
    from samsyn.wsgi import application

    def call(client: dict, method: str, path: str, body: dict | None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": f"{setup['session_cookie']}={client['session']}; "
            f"{setup['csrf_cookie']}={client['csrf']}",
            "HTTP_X_CSRFTOKEN": client["csrf"],
            "CONTENT_TYPE": "application/json",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        status: list[str] = []
        chunks = application(environ, lambda s, h, exc_info=None: status.append(s))
        raw = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), json.loads(raw) if raw else {}

    rng = random.Random(0)
    dims = setup["dimensions"]

    def ratings() -> list[dict]:
        rows = []
        for d in dims:
            step = rng.choice(d["steps"])
            crit = [c for c in step["criteria"] if rng.random() < 0.6]
            rows.append(
                {"dimension_id": d["id"], "step_id": step["id"], "criteria": crit, "note": ""}
            )
        return rows

    def cycle(client: dict) -> int:
        uid = str(uuid.uuid4())
        path = f"/api/v1/observations/{uid}"
        full = ratings()
        context = {"assignment_id": client["assignment_id"], "subject": "Matematik", "grade": "8"}
        expected = [
            ("PUT", path, {**context, "base_revision": 0, "ratings": full[1:]}, 201),
            ("PUT", path, {**context, "base_revision": 1, "ratings": full}, 200),
            ("PUT", path, {**context, "base_revision": 1, "ratings": full}, 200),
            ("POST", f"{path}/submit", None, 200),
        ]
        for kind, (method, p, body, want) in zip(KINDS, expected, strict=True):
            t0 = time.process_time()
            got, payload = call(client, method, p, body)
            per_kind.setdefault(kind, []).append(time.process_time() - t0)
            if got != want:
                raise SystemExit(f"{method} {p}: {got} (expected {want}): {payload}")
        return len(expected)

    clients = setup["clients"]
    per_kind: dict[str, list[float]] = {}
    for i in range(10):  # warm-up: imports, URLconf, connections
        cycle(clients[i % len(clients)])
    if args.sql:
        from django.db import connection

        def show(execute, sql, params, many, context):
            print("   ", sql[:160])
            return execute(sql, params, many, context)

        with connection.execute_wrapper(show):
            cycle(clients[0])
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU time, as the figure
        profiler.enable()
    per_kind.clear()
    backend = backend_pid() if args.database_url else None
    backend_before = backend_cpu(backend)
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    requests = sum(cycle(clients[i % len(clients)]) for i in range(args.loops))
    cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start_wall
    if backend is not None:
        used = backend_cpu(backend) - backend_before
        print(
            f"PostgreSQL backend (pid {backend}) CPU {used / requests * 1000:.2f} ms per request "
            "(this connection's server process, from /proc)"
        )
    if profiler is not None:
        import pstats

        profiler.disable()
        if os.environ.get("PROF_DUMP"):
            profiler.dump_stats("/tmp/capture.prof")
        pstats.Stats(profiler).sort_stats(os.environ.get("PROF_SORT", "cumulative")).print_stats(
            int(os.environ.get("PROF_N", "45"))
        )
    print(
        f"{requests} requests: CPU {cpu / requests * 1000:.2f} ms per request "
        f"(wall {wall / requests * 1000:.2f} ms; CPU includes this script's own JSON and WSGI "
        f"environ work, {os.cpu_count()} CPUs shared)"
    )
    for kind, values in per_kind.items():
        print(f"    {kind:<11} CPU {sum(values) / len(values) * 1000:.2f} ms (n={len(values)})")
    mean_ms = cpu / requests * 1000
    if args.profile:
        print("(with --profile the figure includes the profiler's own cost: not judged)")
        return 0
    ok = mean_ms <= TARGET_MS
    print(
        f"{'PASS' if ok else 'FAIL'}  CPU per save {mean_ms:.2f} ms = {mean_ms / BASELINE_MS:.2f} × "
        f"the {BASELINE_MS:.0f} ms baseline (target ≤ {TARGET_MS:.0f} ms; load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
