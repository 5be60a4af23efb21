"""Reports: the dashboard PDF of the demo's largest school from cold, its pages, the XLSX's
numbers and the personal data export, each printed with its ratio to today's figure.

    .venv/bin/python benchmarks/bench_reports.py [--data-dir DIR] [--repo PATH]

A fresh data directory (or `--data-dir` holding a demo database) gets the demo world
(`manage.py demo`). gunicorn (1 worker, 2 threads, the app preloaded, the project's
gunicorn.conf.py when there is one) serves it on a loopback port; as soon as it answers
/healthz, the principal of the school with the most observations asks for its dashboard PDF:
that is the cold figure (target ≤ 3 s); a second request gives the warm one. The PDF's pages
are checked for blank ones (a page whose only text is a heading and the page number, or
whose pixels are nearly all white). The XLSX must hold no number as text and its intervals in
two columns. The demo's key teacher downloads their personal data export PDF (≤ 2 s).

`BASELINE` holds today's figures, measured with this script on main before the change
(`--repo` runs it against another checkout with this project's virtualenv). The machine is
shared: figures vary with its load, which is printed. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "benchmarks"))

# Today's figures: main at c7a8652, measured with this script (--repo on an export of that
# commit, the same demo database) on the shared 2-core machine at a load average of 7: seconds.
# (The same run found a blank page 2 and the intervals stored as text.)
BASELINE = {"pdf_cold": 6.62, "pdf_warm": 2.86, "xlsx": 0.67, "personal_pdf": 4.74}
TARGETS = {"pdf_cold": 3.0, "personal_pdf": 2.0}


def phase_setup(out: Path) -> None:
    """In the demo database: the largest school, its principal, the key teacher; sessions."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count

    from samsyn.accounts.models import Membership, Organisation, Role, User
    from samsyn.accounts.sessions import SessionStore
    from samsyn.demo.services import DEMO_DOMAIN

    try:
        from samsyn.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
    except ImportError:  # pragma: no cover - older checkouts
        LAST_SEEN_KEY = LOGIN_TIME_KEY = None

    from samsyn.observations.models import Observation

    largest = (
        Observation.objects.values("school_id")
        .annotate(n=Count("id"))
        .order_by("-n", "school_id")
        .first()
    )
    school = Organisation.objects.get(pk=largest["school_id"])
    school.n = largest["n"]
    principal = Membership.objects.filter(organisation=school, role=Role.PRINCIPAL).first().user
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")

    def session(user) -> str:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        if LOGIN_TIME_KEY:
            store[LOGIN_TIME_KEY] = store[LAST_SEEN_KEY] = time.time()
        store.save()
        return store.session_key

    out.write_text(
        json.dumps(
            {
                "school": school.pk,
                "school_name": school.name,
                "observations": school.n,
                "principal": session(principal),
                "teacher": session(teacher),
                "cookie": settings.SESSION_COOKIE_NAME,
            }
        )
    )


def get(port: int, path: str, cookie: str) -> tuple[int, bytes, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, time.perf_counter() - start


def blank_pages(pdf_bytes: bytes) -> list[str]:
    """Pages with nothing but a heading and the page number, or (nearly) no ink."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    problems = []
    for i in range(len(pdf)):
        page = pdf[i]
        text = page.get_textpage().get_text_range()
        body = re.sub(r"\d+ / \d+\s*$", "", text.strip()).strip()
        lines = [line for line in body.splitlines() if line.strip()]
        image = page.render(scale=0.5).to_pil().convert("L")
        ink = sum(image.histogram()[:200]) / (image.width * image.height)
        if len(lines) <= 1 or ink < 0.01:
            problems.append(f"page {i + 1}: {len(lines)} line(s) of text, {ink:.1%} ink")
    return problems


def numbers_as_text(xlsx: bytes) -> tuple[list[str], int]:
    """Cells holding a number (or "a – b" interval) as text; and the interval columns."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    found, split = [], 0
    number = re.compile(r"^[−-]?\d+([.,]\d+)?( [–-] [−-]?\d+([.,]\d+)?)?$")
    for sheet in book.worksheets[1:]:
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            if r == 1:
                split += sum(
                    1
                    for c in row
                    if isinstance(c, str) and c.endswith((", lower", ", nedre gräns"))
                )
            for cell in row[1:] if r >= 2 else ():
                if isinstance(cell, str) and number.match(cell.strip()):
                    found.append(f"{sheet.title}: {cell!r}")
    return found, split


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a directory with a demo database")
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout to measure")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "setup":
        phase_setup(args.out)
        return 0
    repo = args.repo.resolve()
    work = Path(tempfile.mkdtemp(prefix="samsyn-reports-"))
    data = args.data_dir or work
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        SAMSYN_DATA_DIR=str(data),
        SQLITE_PATH=str(data / "db.sqlite3"),
        DJANGO_SETTINGS_MODULE="samsyn.settings",
        DEBUG="False",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(repo),
    )
    py = sys.executable
    results: list[tuple[str, str, bool]] = []
    figures: dict[str, float] = {}
    proc = None
    try:
        if not (data / "db.sqlite3").exists():
            t0 = time.perf_counter()
            for command in (["migrate", "-v0"], ["compilemessages", "--ignore=.venv", "-v0"]):
                subprocess.run([py, "manage.py", *command], env=env, cwd=repo, check=True)
            subprocess.run(
                [py, "manage.py", "demo"], env=env, cwd=repo, check=True, capture_output=True
            )
            print(f"demo world built in {time.perf_counter() - t0:.0f} s")
        setup_path = work / "setup.json"
        subprocess.run(
            [py, str(Path(__file__).resolve()), "--phase", "setup", "--out", str(setup_path)],
            env=env,
            cwd=repo,
            check=True,
        )
        setup = json.loads(setup_path.read_text())
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config = (
            ["-c", str(repo / "gunicorn.conf.py")] if (repo / "gunicorn.conf.py").exists() else []
        )
        gunicorn = str(Path(py).with_name("gunicorn"))
        command = [gunicorn, "samsyn.wsgi:application", *config, "--preload", "-w", "1"]
        command += [
            "--threads",
            "2",
            "-k",
            "gthread",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
        ]
        log = (work / "gunicorn.log").open("w")
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, env=env, cwd=repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {(work / 'gunicorn.log').read_text()[-2000:]}")
            try:
                if get(port, "/healthz", "")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        print(
            f"server up in {time.perf_counter() - started:.1f} s (start-up, not measured); "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        principal = f"{setup['cookie']}={setup['principal']}"
        pdf_path = f"/dashboards/school/{setup['school']}/export.pdf"
        status, pdf, figures["pdf_cold"] = get(port, pdf_path, principal)
        if status != 200:
            raise SystemExit(f"GET {pdf_path}: {status}")
        status, pdf, figures["pdf_warm"] = get(port, pdf_path, principal)
        status, xlsx, figures["xlsx"] = get(
            port, f"/dashboards/school/{setup['school']}/export.xlsx", principal
        )
        teacher = f"{setup['cookie']}={setup['teacher']}"
        status, _personal, figures["personal_pdf"] = get(port, "/privacy/my-data/pdf/", teacher)
        if status != 200:
            raise SystemExit(f"personal export: {status}")
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.data_dir:
            shutil.rmtree(work, ignore_errors=True)

    print(f"school: {setup['school_name']} ({setup['observations']} observations)")
    labels = {
        "pdf_cold": "dashboard PDF, first request after start",
        "pdf_warm": "dashboard PDF, second request",
        "xlsx": "dashboard XLSX",
        "personal_pdf": "personal data export PDF (after the dashboard PDF)",
    }
    for key, label in labels.items():
        base = BASELINE.get(key)
        ratio = f"{figures[key] / base:.2f}× today's {base:.2f} s" if base else "no baseline"
        target = TARGETS.get(key)
        ok = target is None or figures[key] <= target
        results.append(
            (
                f"{label}: {figures[key]:.2f} s ({ratio})",
                f"≤ {target} s" if target else "printed",
                ok,
            )
        )
    blanks = blank_pages(pdf)
    results.append((f"dashboard PDF blank pages: {blanks or 'none'}", "none", not blanks))
    text_numbers, split = numbers_as_text(xlsx)
    results.append(
        (f"XLSX numbers stored as text: {text_numbers[:5] or 'none'}", "none", not text_numbers)
    )
    results.append((f"XLSX interval columns split in two: {split}", "≥ 1", split >= 1))
    print(
        "figures (as BASELINE when re-measuring): "
        + json.dumps({k: round(v, 2) for k, v in figures.items()})
    )
    failed = 0
    for text, target, ok in results:
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {text}  (target {target})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
