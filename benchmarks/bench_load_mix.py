"""Load and fault benchmark: 100 users mixing capture, dashboards and reading, against gunicorn
on loopback, on SQLite and on PostgreSQL; the server is killed mid-run and restarted.

    .venv/bin/python benchmarks/bench_load_mix.py [--seconds 60] [--users 100]
        [--think-ms 1000] [--kill-at 30] [--no-kill] [--no-sqlite] [--no-postgres]

The users (default 100): 60 % observers capturing lessons through the JSON API exactly as the
capture page does (create → update → resend the same update → submit; the protocol of
benchmarks/bench_capture_load.py, whose observer and verification this script reuses), 20 %
principals reading the school dashboard (computed from the live observations on every
request), 20 % teachers reading their released observations and "my teaching". Every user
pauses 0.5–1.5 × `--think-ms` between requests (people read; 0 makes it a saturation test).

At `--kill-at` seconds the whole gunicorn process group is killed with SIGKILL (no graceful
shutdown: what a power cut or an OOM kill does) and a new server is started on the same port.
Requests in flight get no answer; a create without an answer may or may not have been stored
(both are accepted), but every write the server acknowledged must be in the database exactly
as acknowledged. Afterwards: lost / duplicated / extra observations are counted against the
acknowledgements, and the database's own integrity check runs (SQLite: `PRAGMA
integrity_check` and `foreign_key_check`; PostgreSQL: `pg_amcheck` on every table and index
of the database).

Prints requests/s, p50/p95/p99 per kind and overall, errors outside the restart window (target
0), requests that failed while the server was down (expected, printed), the restart time, and
PASS/FAIL for: no errors outside the restart, nothing lost, nothing duplicated, integrity ok.
Not part of `make test` (it is a benchmark: `make bench`).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_capture_load as capture  # noqa: E402  (the observer protocol and verification)

REQUEST_TIMEOUT = 30.0


# ============================================================================ Django side


def phase_setup(users: int, out: Path) -> None:
    """The capture benchmark's set-up for the observers, then principals and teachers with
    sessions, and released observations for the teachers to read."""
    observers = max(1, round(users * 0.6))
    readers = users - observers
    capture.phase_setup(observers, out, page=False)
    import django

    django.setup()
    from django.utils import timezone

    from samsyn.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
    from samsyn.accounts.models import Membership, Organisation, Role, User
    from samsyn.accounts.sessions import SessionStore

    setup = json.loads(out.read_text())
    school = Organisation.objects.get(name="Bänkskolan")
    principals = User.objects.bulk_create(
        User(email=f"rektor{i:03d}@bench.example", full_name=f"Rektor {i}")
        for i in range(readers // 2)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=school, role=Role.PRINCIPAL) for u in principals
    )
    teachers = list(User.objects.filter(email__startswith="teacher").order_by("email"))[
        : readers - len(principals)
    ]
    now = time.time()

    def session_for(user) -> str:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session[LOGIN_TIME_KEY] = now
        session[LAST_SEEN_KEY] = now
        session.save()
        return session.session_key

    setup["readers"] = [
        {"session": session_for(u), "paths": [f"/dashboards/school/{school.pk}/"]}
        for u in principals
    ] + [
        {"session": session_for(u), "paths": ["/observations/mine/", "/coaching/"]}
        for u in teachers
    ]
    setup["started"] = timezone.now().isoformat()
    out.write_text(json.dumps(setup))


def phase_integrity(out: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = cursor.fetchone()[0]
            cursor.execute("PRAGMA foreign_key_check")
            fk = cursor.fetchall()
        ok = integrity == "ok" and not fk
        detail = f"integrity_check: {integrity}; foreign_key_check: {len(fk)} problems"
    else:
        db = settings.DATABASES["default"]
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        done = subprocess.run(
            [
                str(bindir / "pg_amcheck"),
                "--host",
                str(db["HOST"]),
                "--port",
                str(db["PORT"]),
                "--username",
                str(db["USER"]),
                "--heapallindexed",
                db["NAME"],
            ],
            capture_output=True,
            text=True,
        )
        ok = done.returncode == 0
        detail = f"pg_amcheck exit {done.returncode}: {(done.stdout + done.stderr).strip()[:400] or 'no corruption found'}"
    out.write_text(json.dumps({"ok": ok, "detail": detail}))


# ============================================================================ load


class Reader(threading.Thread):
    def __init__(self, port, reader, setup, deadline, rec, think, seed):
        super().__init__(daemon=True)
        self.port, self.reader, self.deadline, self.rec, self.think = (
            port,
            reader,
            deadline,
            rec,
            think,
        )
        self.rng = random.Random(seed)
        self.cookie = f"{setup['session_cookie']}={reader['session']}"

    def run(self) -> None:
        conn = None
        time.sleep(self.rng.random() * self.think)
        while time.monotonic() < self.deadline:
            path = self.rng.choice(self.reader["paths"])
            kind = "dashboard" if path.startswith("/dashboards") else "read"
            start = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                    )
                conn.request("GET", path, headers={"Cookie": self.cookie, "Accept": "text/html"})
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
            except Exception as error:
                self.rec.record(kind, time.perf_counter() - start, None)
                self.rec.error(f"{kind} GET {path}: {type(error).__name__}: {error}")
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(max(0.0, min(1.0, self.deadline - time.monotonic())))
                continue
            else:
                self.rec.record(kind, time.perf_counter() - start, status)
                if status != 200:
                    self.rec.error(f"{kind} GET {path}: HTTP {status}")
            if self.think:
                wanted = self.rng.uniform(0.5, 1.5) * self.think
                time.sleep(max(0.0, min(wanted, self.deadline - time.monotonic())))
        if conn is not None:
            conn.close()


class Downtime:
    """Whether the server is down now or was within the last few seconds (connections that
    were open to the killed workers fail on their next use)."""

    GRACE = 5.0

    def __init__(self) -> None:
        self._down = threading.Event()
        self.ended: float | None = None

    def is_set(self) -> bool:
        return self._down.is_set()

    def recent(self) -> bool:
        return self.ended is not None and time.monotonic() - self.ended < self.GRACE

    def start(self) -> None:
        self._down.set()

    def end(self) -> None:
        self.ended = time.monotonic()
        self._down.clear()


class TaggedRecorder(capture.Recorder):
    """Errors are tagged with when they happened: around the restart, or in steady running."""

    def __init__(self, down: Downtime) -> None:
        super().__init__()
        self.down = down

        self.unanswered = 0
        self.restart_latencies: list[float] = []

    def record(self, kind: str, latency: float, status: int | None) -> None:
        # A request without an answer (connection refused or reset) has no latency to speak
        # of: it is counted apart, and the error says when it happened.
        if status is None:
            with self.lock:
                self.unanswered += 1
            return
        if self.down.is_set() or self.down.recent():
            # Answered, but it waited for the new server: reported apart from steady running.
            with self.lock:
                self.restart_latencies.append(latency)
                self.statuses[status] = self.statuses.get(status, 0) + 1
            return
        super().record(kind, latency, status)

    def error(self, text: str) -> None:
        where = "restart" if self.down.is_set() or self.down.recent() else "steady"
        super().error(f"[{where}] {text}")


class RetryingObserver(capture.Observer):
    """The capture protocol, with the capture page's back-off: after a request without an
    answer the tablet waits a second before trying again (the page retries from its queue)."""

    async def request(self, kind, method, path, body):
        status, payload = await super().request(kind, method, path, body)
        if status is None:
            await asyncio.sleep(max(0.0, min(1.0, self.deadline - time.monotonic())))
        return status, payload


class ObserverLoop(threading.Thread):
    """The capture benchmark's observers are coroutines: all of them run in one event loop, on
    this thread, beside the readers' threads."""

    def __init__(self, observers: list[RetryingObserver], rec: capture.Recorder) -> None:
        super().__init__(daemon=True)
        self.observers, self.rec = observers, rec

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        results = await asyncio.gather(*(o.run() for o in self.observers), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                self.rec.error(f"observer: {type(result).__name__}: {result}")


def run_phase(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, __file__, *args], env=env, cwd=REPO, check=True)


def load_run(label: str, env: dict, work: Path, args, results: list) -> None:
    setup_path = work / "setup.json"
    t0 = time.perf_counter()
    run_phase(env, "--phase", "setup", "--users", str(args.users), "--out", str(setup_path))
    setup = json.loads(setup_path.read_text())
    print(
        f"[{label}] set up in {time.perf_counter() - t0:.1f} s: {len(setup['clients'])} observers, "
        f"{len(setup['readers'])} readers"
    )
    port = capture.free_port()
    proc, log = capture.start_server(work, env, port, args.workers, args.threads, "gunicorn-1.log")
    capture.wait_healthy(port, proc)
    down = Downtime()
    rec = TaggedRecorder(down)
    start = time.monotonic()
    deadline = start + args.seconds
    think = args.think_ms / 1000
    observers = [
        RetryingObserver(port, c, setup, deadline, rec, think, seed=i)
        for i, c in enumerate(setup["clients"])
    ]
    threads: list[threading.Thread] = [ObserverLoop(observers, rec)] + [
        Reader(port, r, setup, deadline, rec, think, seed=1000 + i)
        for i, r in enumerate(setup["readers"])
    ]
    restart_seconds = None
    procs = [proc]
    logs = [log]
    try:  # the server is stopped whatever happens from here (it was left running on an error)
        for t in threads:
            t.start()
        if not args.no_kill and args.kill_at < args.seconds:
            time.sleep(max(0.0, start + args.kill_at - time.monotonic()))
            down.start()
            killed_at = time.monotonic()
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            proc, log = capture.start_server(
                work, env, port, args.workers, args.threads, "gunicorn-2.log"
            )
            procs.append(proc)
            logs.append(log)
            capture.wait_healthy(port, proc)
            restart_seconds = time.monotonic() - killed_at
            down.end()
            print(
                f"[{label}] killed the server (SIGKILL to the process group) at {args.kill_at:.0f} s; "
                f"a new one answered after {restart_seconds:.1f} s"
            )
        for t in threads:
            t.join(timeout=max(0.1, deadline - time.monotonic()) + 2 * REQUEST_TIMEOUT + 30)
        elapsed = time.monotonic() - start
    finally:
        capture.stop_server(proc)
        for handle in logs:
            handle.close()

    # Writes with no answer (the kill) are "uncertain": stored or not, both fine.
    created = {k: v for k, v in rec.created.items() if not k.endswith("?")}
    uncertain = {k[:-1]: v for k, v in rec.created.items() if k.endswith("?")}
    expect = work / "expect.json"
    expect.write_text(
        json.dumps({"round_id": setup["round_id"], "created": created, "uncertain": uncertain})
    )
    verify_path = work / "verify.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_capture_load.py"),
            "--phase",
            "verify",
            "--expect",
            str(expect),
            "--out",
            str(verify_path),
        ],
        env=env,
        cwd=REPO,
        check=True,
    )
    check = json.loads(verify_path.read_text())
    integrity_path = work / "integrity.json"
    run_phase(env, "--phase", "integrity", "--out", str(integrity_path))
    integrity = json.loads(integrity_path.read_text())

    n = len(rec.latencies)
    steady = [e for e in rec.errors if not e.startswith("[restart]")]
    restart_errors = [e for e in rec.errors if e.startswith("[restart]")]
    p50, p95, p99 = (capture.percentile(rec.latencies, q) * 1000 for q in (50, 95, 99))
    print(
        f"[{label}] {args.users} users, think {args.think_ms:.0f} ms, {elapsed:.1f} s: {n} requests answered in steady running, "
        f"{n / elapsed:.1f} req/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms; "
        f"statuses {dict(sorted(rec.statuses.items()))}"
    )
    for kind, values in sorted(rec.by_kind.items()):
        print(
            f"    {kind:<11} n={len(values):<6} p50 {capture.percentile(values, 50) * 1000:7.1f} ms  "
            f"p95 {capture.percentile(values, 95) * 1000:7.1f} ms  p99 {capture.percentile(values, 99) * 1000:7.1f} ms"
        )
    print(
        f"    observations {check['observations']}, acknowledged creates {check['created']}, "
        f"unanswered creates {len(uncertain)}"
    )
    if rec.restart_latencies:
        print(
            f"    answered while or just after the server restarted: {len(rec.restart_latencies)} "
            f"requests, max {max(rec.restart_latencies):.1f} s (not in the figures above)"
        )
    print(
        f"    requests without an answer: {rec.unanswered} ({len(restart_errors)} around the "
        f"restart, expected; not in the latencies)"
    )
    for text in steady[:10]:
        print(f"    error: {text}")
    for text in check["problems"][:10]:
        print(f"    database: {text}")
    print(f"    integrity: {integrity['detail']}")
    results += [
        (
            f"[{label}] {n / elapsed:.1f} req/s, p50 {p50:.0f} / p95 {p95:.0f} / p99 {p99:.0f} ms",
            "printed",
            True,
        ),
        (f"[{label}] errors outside the restart {len(steady)}", "0", not steady),
        (f"[{label}] acknowledged writes lost {check['lost']}", "0", check["lost"] == 0),
        (
            f"[{label}] duplicated {check['duplicated']}, extra {check['extra']}",
            "0",
            check["duplicated"] == 0 and check["extra"] == 0,
        ),
        (f"[{label}] database integrity check", "ok", integrity["ok"]),
    ]
    if restart_seconds is not None:
        results.append(
            (f"[{label}] restart after SIGKILL {restart_seconds:.1f} s", "printed", True)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--think-ms", type=float, default=1000.0)
    parser.add_argument("--kill-at", type=float, default=30.0)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--workers", type=int, default=capture.WORKERS)
    parser.add_argument("--threads", type=int, default=capture.THREADS)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--phase", choices=["setup", "integrity"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "setup":
        phase_setup(args.users, args.out)
        return 0
    if args.phase == "integrity":
        phase_integrity(args.out)
        return 0

    print(
        f"gunicorn -w {args.workers} --threads {args.threads} on loopback, {os.cpu_count()} CPUs; "
        f"{args.users} users (60 % capture, 20 % dashboards, 20 % reading), think {args.think_ms:.0f} ms, "
        f"{args.seconds:.0f} s"
        + ("" if args.no_kill else f", SIGKILL + restart at {args.kill_at:.0f} s")
    )
    results: list[tuple[str, str, bool]] = []
    work = Path(tempfile.mkdtemp(prefix="samsyn-mix-"))
    try:
        if not args.no_sqlite:
            data = work / "sqlite"
            data.mkdir()
            env = capture.base_env(data, "samsyn.settings")
            env["SQLITE_PATH"] = str(data / "bench.sqlite3")
            load_run("SQLite", env, data, args, results)
        if not args.no_postgres:
            pg_dir = Path(tempfile.mkdtemp(prefix="samsyn-mix-pg-"))
            try:
                port = capture.free_port()
                url = subprocess.run(
                    [str(REPO / "scripts" / "postgres.sh"), "start", str(pg_dir), str(port)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                import psycopg

                with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                    conn.execute("CREATE DATABASE samsyn")
                data = work / "postgres"
                data.mkdir()
                env = capture.base_env(data, "samsyn.settings")
                env["DATABASE_URL"] = url
                load_run("PostgreSQL", env, data, args, results)
            finally:
                subprocess.run(
                    [str(REPO / "scripts" / "postgres.sh"), "stop", str(pg_dir)], check=False
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = 0
    for text, target, ok in results:
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {text}  (target {target})")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
