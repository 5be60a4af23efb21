"""Server time of the owner (municipality) dashboard on realistic volumes (a script, not a test).

    .venv/bin/python benchmarks/bench_dashboards.py [--skip-national] [--postgres-url URL]
                                                    [--no-postgres] [--naive-sample N]

Builds, with raw bulk inserts into a throw-away database, a municipality with 100,000
observations (1,000,000 ratings: 40 schools × 50 teachers, baseline and follow-up), computes
the rating summaries once (as after an import; the build and summary times are printed) and
times the owner dashboard: `area_dashboard` + every chart (the selector and Vega-Lite specs), and the
whole page through Django's test client. Target < 300 ms. Then a national-scale region with
1,000,000 observations (10,000,000 ratings; `--skip-national` skips it, and says so), target
< 2 s. Runs on SQLite (a temporary file) and on PostgreSQL when `--postgres-url` is given or
`scripts/postgres.sh` can start a server.

The baseline is a naive ORM loop computing the same numbers (step counts per round ×
dimension, each teacher's mean per dimension) object by object. It runs on a sample of the
observations and its time is extrapolated linearly to all of them; the script says so.
Times are the best of three after a first call (also printed). The cost the summaries add to
a submission (recomputing one teacher's rows) is printed too. Exits non-zero when a target is
missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCALES = {
    # name: (owners, schools per owner, teachers per school, lessons per teacher per round)
    "municipality": (1, 40, 50, 25),
    "national": (10, 40, 50, 25),
}
SUBJECTS = ["Matematik", "Svenska", "Engelska", "NO", "SO", "Idrott och hälsa"]
GRADES = ["F", "1", "2", "3", "4", "5", "6", "7", "8", "9"]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    import django

    django.setup()


def build(scale: str) -> dict:
    """The world, with bulk inserts; returns ids for the timing phase."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from samsyn.accounts.models import Membership, Organisation, Role, User
    from samsyn.frameworks.models import Dimension, FrameworkVersion, Step
    from samsyn.observations import summaries
    from samsyn.observations.models import Observation, Round

    call_command("migrate", verbosity=0)
    owners_n, schools_n, teachers_n, lessons = SCALES[scale]
    rng = random.Random(7)
    version = FrameworkVersion.objects.get(framework__slug="samsyn-undervisning", number=1)
    dims = list(Dimension.objects.filter(version=version).order_by("order"))
    steps = {(s.dimension_id, s.order): s.pk for s in Step.objects.filter(dimension__in=dims)}
    start = time.perf_counter()
    with transaction.atomic():
        region = Organisation.objects.create(kind="region", name="Benchregion")
        owners = Organisation.objects.bulk_create(
            [
                Organisation(kind="owner", name=f"Kommun {i:02d}", parent=region)
                for i in range(owners_n)
            ]
        )
        owners = list(Organisation.objects.filter(parent=region).order_by("pk"))
        Organisation.objects.bulk_create(
            [
                Organisation(kind="school", name=f"Skola {o.pk}-{j:02d}", parent=o)
                for o in owners
                for j in range(schools_n)
            ]
        )
        schools = list(Organisation.objects.filter(parent__in=owners).order_by("pk"))
        admin = User.objects.create_user("bench-admin@example.org", "x", full_name="Admin")
        researcher = User.objects.create_user("bench-res@example.org", "x", full_name="Res")
        Membership.objects.create(user=admin, organisation=owners[0], role=Role.OWNER_ADMIN)
        Membership.objects.create(user=researcher, organisation=region, role=Role.RESEARCHER)
        User.objects.bulk_create(
            [
                User(email=f"t{s.pk}-{k}@bench.example", full_name=f"T {s.pk}-{k}")
                for s in schools
                for k in range(teachers_n + 5)  # 5 observers per school
            ],
            batch_size=5000,
        )
        by_email = dict(
            User.objects.filter(email__endswith="@bench.example").values_list("email", "pk")
        )
        rounds = []
        for kind, day in (("baseline", dt.date(2025, 9, 15)), ("follow_up", dt.date(2026, 3, 2))):
            r = Round.objects.create(
                organisation=region,
                name=f"Bench {kind}",
                kind=kind,
                framework_version=version,
                starts_on=day,
                ends_on=day + dt.timedelta(days=40),
            )
            r.schools.set(schools)
            rounds.append(r)
        now = timezone.now()
        next_obs = (
            Observation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        n_obs = 0
        writer = _Writer(connection)
        for s in schools:
            observers = [by_email[f"t{s.pk}-{teachers_n + k}@bench.example"] for k in range(5)]
            obs_rows, rating_rows = [], []
            for k in range(teachers_n):
                teacher = by_email[f"t{s.pk}-{k}@bench.example"]
                subject = SUBJECTS[k % len(SUBJECTS)]
                level = rng.gauss(0, 0.6)
                for ri, r in enumerate(rounds):
                    gain = 0.35 * ri
                    for _ in range(lessons):
                        pk = next_obs
                        next_obs += 1
                        obs_rows.append(
                            Observation(
                                pk=pk,
                                uuid=uuid.uuid4(),
                                round=r,
                                framework_version=version,
                                observer_id=rng.choice(observers),
                                teacher_id=teacher,
                                school=s,
                                status="submitted",
                                revision=2,
                                subject=subject,
                                grade=rng.choice(GRADES),
                                observed_on=r.starts_on,
                                created_at=now,
                                updated_at=now,
                                submitted_at=now,
                            )
                        )
                        n_obs += 1
                        for d in dims:
                            latent = 2.4 + level + (gain if d.order % 2 else 0) + rng.gauss(0, 0.8)
                            order = min(4, max(1, round(latent)))
                            rating_rows.append((pk, d.pk, steps[(d.pk, order)], ""))
            writer.observations(obs_rows)
            writer.ratings(rating_rows)
        build_s = time.perf_counter() - start
        # Bulk inserts send no signals: the summaries are computed once, as after an import.
        start = time.perf_counter()
        summary_rows = summaries.rebuild()
        summary_s = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "admin": admin.pk,
        "researcher": researcher.pk,
        "owner": owners[0].pk,
        "region": region.pk,
        "observations": n_obs,
        "owner_observations": n_obs // owners_n,
        "build_s": build_s,
        "summary_s": summary_s,
        "summary_rows": summary_rows,
    }


class _Writer:
    """Raw bulk inserts (COPY on PostgreSQL, executemany on SQLite): the ORM's bulk_create
    took most of an hour for the national scale's ten million ratings."""

    def __init__(self, connection) -> None:
        from samsyn.observations.models import Observation, Rating

        self.connection = connection
        self.obs_fields = Observation._meta.concrete_fields
        self.obs_table = Observation._meta.db_table
        self.rating_table = Rating._meta.db_table

    def _insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        quote = self.connection.ops.quote_name
        cols = ", ".join(quote(c) for c in columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})", rows)

    def observations(self, objects: list) -> None:
        columns = [f.column for f in self.obs_fields]
        rows = [
            tuple(
                f.get_db_prep_save(getattr(o, f.attname), connection=self.connection)
                for f in self.obs_fields
            )
            for o in objects
        ]
        self._insert(self.obs_table, columns, rows)

    def ratings(self, rows: list[tuple]) -> None:
        self._insert(self.rating_table, ["observation_id", "dimension_id", "step_id", "note"], rows)


def first_and_best(func, repeats: int = 3):
    """(the first call's time, the best of `repeats` calls after it, the first call's result)."""
    t = time.perf_counter()
    result = func()
    first = time.perf_counter() - t
    return first, best_of(func, repeats, warm=False), result


def best_of(func, repeats: int = 3, warm: bool = True) -> float:
    if warm:
        func()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return min(times)


def naive(org_pk: int, round_pks: list[int], sample: int) -> tuple[float, int]:
    """The same numbers the dumb way: every rating as an object, counted in Python."""
    from collections import defaultdict

    from samsyn.accounts.models import Organisation
    from samsyn.dashboards.selectors import area_schools_unscoped
    from samsyn.observations.models import Observation, Rating

    org = Organisation.objects.get(pk=org_pk)
    school_ids = [s.pk for s in area_schools_unscoped(org)]
    obs_ids = list(
        Observation.objects.filter(school_id__in=school_ids, round_id__in=round_pks)
        .order_by("pk")
        .values_list("pk", flat=True)[:sample]
    )
    start = time.perf_counter()
    counts: dict = defaultdict(lambda: [0, 0, 0, 0])
    sums: dict = defaultdict(float)
    ns: dict = defaultdict(int)
    for obs in Observation.objects.filter(pk__in=obs_ids).select_related("round"):
        if obs.round.is_peer or obs.status == "draft":
            continue
        for rating in Rating.objects.filter(observation=obs).select_related("dimension", "step"):
            if rating.step is None:
                continue
            counts[(obs.round_id, rating.dimension.code)][rating.step.order - 1] += 1
            sums[(obs.round_id, obs.teacher_id, rating.dimension.code)] += rating.step.order
            ns[(obs.round_id, obs.teacher_id, rating.dimension.code)] += 1
    return time.perf_counter() - start, len(obs_ids)


def phase_run(scale: str, sample: int) -> None:
    _django()
    from django.test import Client
    from django.urls import reverse

    from samsyn.accounts.models import Organisation, User
    from samsyn.dashboards.charts import charts_for
    from samsyn.dashboards.selectors import area_dashboard
    from samsyn.observations.models import Round

    info = build(scale)
    org_pk, user_pk = (
        (info["owner"], info["admin"])
        if scale == "municipality"
        else (info["region"], info["researcher"])
    )
    org = Organisation.objects.get(pk=org_pk)
    user = User.objects.get(pk=user_pk)

    def selector():
        user.__dict__.pop("_samsyn_memberships", None)
        user.__dict__.pop("_samsyn_ancestors", None)
        d = area_dashboard(user=user, organisation=org)
        charts_for(d)
        return d

    first_t, sel_t, d = first_and_best(selector)
    client = Client()
    client.force_login(user)
    url = reverse("dashboards:area", args=[org_pk])

    def page():
        response = client.get(url, HTTP_HOST="localhost")
        if response.status_code != 200:
            raise RuntimeError(f"the dashboard page answered {response.status_code}")

    page_t = best_of(page)
    rounds = [r.pk for r in Round.objects.filter(name__startswith="Bench")]
    # What a submission adds: recomputing that teacher's summary for the round.
    from samsyn.observations import summaries
    from samsyn.observations.models import Observation

    pair = Observation.objects.filter(round_id=rounds[-1]).values_list("round_id", "teacher_id")[0]

    def keep_current():
        summaries.mark([pair])
        summaries.flush()

    submit_t = best_of(keep_current)
    naive_t, sampled = naive(org_pk, rounds, sample)
    total = info["owner_observations"] if scale == "municipality" else info["observations"]
    print(
        json.dumps(
            {
                **info,
                "selector_s": sel_t,
                "first_s": first_t,
                "submit_s": submit_t,
                "page_s": page_t,
                "naive_sample_s": naive_t,
                "naive_sampled": sampled,
                "naive_extrapolated_s": naive_t * total / max(sampled, 1),
                "dashboard_observations": total,
                "teachers": d.coverage[-1].teachers,
            }
        )
    )


def run_child(scale: str, env: dict, sample: int) -> dict | None:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "run",
            "--scale",
            scale,
            "--naive-sample",
            str(sample),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(backend: str, scale: str, r: dict, target: float) -> bool:
    measured = r["page_s"]
    ok = measured < target
    ratio = r["naive_extrapolated_s"] / r["selector_s"]
    print(
        f"{backend:10} {scale:12} {r['dashboard_observations']:>9,} observations "
        f"({r['dashboard_observations'] * 10:,} ratings, {r['teachers']:,} teachers in the round): "
        f"selector+charts {r['selector_s'] * 1000:7.1f} ms (first call "
        f"{r['first_s'] * 1000:.0f} ms), whole page "
        f"{r['page_s'] * 1000:7.1f} ms "
        f"(target < {target * 1000:.0f} ms: {'PASS' if ok else 'FAIL'}); "
        f"naive ORM loop: {r['naive_sample_s']:.2f} s for a sample of {r['naive_sampled']:,} "
        f"observations, extrapolated to all {r['naive_extrapolated_s']:.1f} s → ratio {ratio:,.0f}x "
        f"(data built in {r['build_s']:.0f} s; summaries: {r['summary_rows']:,} rows built in "
        f"{r['summary_s']:.0f} s, keeping one teacher's current after a submission "
        f"{r['submit_s'] * 1000:.1f} ms)"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", default="parent")
    parser.add_argument("--scale", default="municipality")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--naive-sample", type=int, default=2000)
    args = parser.parse_args()
    if args.phase == "run":
        phase_run(args.scale, args.naive_sample)
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="bench-dash-"))
    tmp.chmod(0o755)  # the PostgreSQL server runs as the postgres user
    backends: list[tuple[str, dict]] = []
    if not args.no_sqlite:
        backends.append(
            (
                "sqlite",
                {
                    "SQLITE_PATH": str(tmp / "bench.sqlite3"),
                    "DATABASE_URL": "",
                    "SAMSYN_DATA_DIR": str(tmp),
                },
            )
        )
    pg_dir = None
    if args.postgres_url:
        backends.append(
            ("postgresql", {"DATABASE_URL": args.postgres_url, "SAMSYN_DATA_DIR": str(tmp)})
        )
    elif not args.no_postgres:
        pg_dir = tmp / "pg"
        port = str(55000 + os.getpid() % 900)
        started = subprocess.run(
            [str(ROOT / "scripts/postgres.sh"), "start", str(pg_dir), port],
            capture_output=True,
            text=True,
        )
        if started.returncode == 0:
            url = started.stdout.strip().splitlines()[-1]
            base = url.rsplit("/", 1)[0]
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", "CREATE DATABASE samsyn"], capture_output=True
            )
            backends.append(("postgresql", {"DATABASE_URL": url, "SAMSYN_DATA_DIR": str(tmp)}))
        else:
            print(f"PostgreSQL skipped: {started.stderr.strip()[:200]}")
            pg_dir = None
    ok = True
    try:
        for backend, env in backends:
            scales = [("municipality", 0.3)]
            if args.skip_national:
                print(
                    f"{backend}: national scale (1,000,000 observations) skipped (--skip-national)"
                )
            else:
                scales.append(("national", 2.0))
            for scale, target in scales:
                # A fresh world for each scale: only ever in the benchmark's own databases
                # (a database given with --postgres-url is never dropped).
                if backend == "sqlite":
                    (tmp / "bench.sqlite3").unlink(missing_ok=True)
                elif pg_dir is not None:
                    _reset_pg(env["DATABASE_URL"])
                result = run_child(scale, env, args.naive_sample)
                if result is None:
                    print(f"{backend} {scale}: failed")
                    ok = False
                    continue
                ok = report(backend, scale, result, target) and ok
    finally:
        if pg_dir is not None:
            subprocess.run(
                [str(ROOT / "scripts/postgres.sh"), "stop", str(pg_dir)], capture_output=True
            )
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def _reset_pg(url: str) -> None:
    """Drop and recreate the throw-away server's database (a fresh world for each scale)."""
    base, name = url.rsplit("/", 1)
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], capture_output=True
    )
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], capture_output=True
    )


if __name__ == "__main__":
    sys.exit(main())
