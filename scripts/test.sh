#!/usr/bin/env bash
# `make test`: install what the tests need, then run the whole suite on SQLite and on PostgreSQL.
#
# The two halves run at the same time (SAMSYN_TEST_SERIAL=1: one after the other): the SQLite
# half's output streams as it runs, the PostgreSQL half's is printed in one piece when both are
# done. Each half has its own data directory and screenshot folder. Each half spreads its tests
# over SAMSYN_TEST_WORKERS pytest-xdist processes (default 2; 0: none), so that the machine's
# two cores stay busy until the end even when one half finishes first. The PostgreSQL half
# runs the tests that use the database (SAMSYN_TEST_DATABASE_ONLY, conftest.py); the others (pure
# statistics, catalogues, file parsers) do the same on any database and run in the SQLite half
# only. The costliest tests that check the same on either database run once: the browser
# journeys and the generated GET and POST access matrices in the PostgreSQL half
# (SAMSYN_TEST_NOT_ONCE in the SQLite half), the page crawl and the hand-written access matrix
# in the SQLite half (so that the two halves end together). SAMSYN_TEST_PG_ALL=1: every test on both. The closing summary lists
# every check as PASSED, FAILED or SKIPPED (with the reason) and the time of each half; the exit
# status is 0 only when nothing FAILED. Arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/system-deps.sh test || exit 1
scripts/bootstrap.sh --dev || exit 1
PY=.venv/bin/python
export SAMSYN_REQUIRE_R=1 SAMSYN_REQUIRE_BROWSER=1

$PY manage.py compilemessages --ignore=.venv -v0 || exit 1

work=$(mktemp -d /tmp/samsyn-test.XXXXXX)
pgdir=$(mktemp -d /tmp/samsyn-pg.XXXXXX)  # its own: postgres.sh gives it to the postgres user
stop_halves() {  # on an interrupt: the halves still running (and their pytest), by process id
  local pid
  for pid in $(jobs -p); do pkill -TERM -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
  return 0
}
trap 'stop_halves; scripts/postgres.sh stop "$pgdir"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
started=$SECONDS
summary=()
failed=0
note() {  # note PASSED|FAILED|SKIPPED "what"
  summary+=("$(printf '%-8s %s' "$1" "$2")")
  [ "$1" = FAILED ] && failed=1
  return 0
}
elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Lint problems fail the run, but only after the tests have run too: one run shows everything.
echo "== ruff =="
if .venv/bin/ruff check .; then note PASSED "ruff check"; else note FAILED "ruff check"; fi
if .venv/bin/ruff format --check .; then note PASSED "ruff format"; else note FAILED "ruff format"; fi

echo "== pip-audit (known vulnerabilities in uv.lock) =="
scripts/audit.sh | tee "$work/audit.log"
case ${PIPESTATUS[0]} in
  0) note PASSED "pip-audit: $(grep -m1 'locked packages audited' "$work/audit.log")" ;;
  3) note SKIPPED "$(grep -m1 'NOT AUDITED' "$work/audit.log")" ;;
  *) note FAILED "pip-audit: $(grep -m1 'locked packages audited' "$work/audit.log" || echo 'no report')" ;;
esac

# One half: run_half NAME LOG [VAR=value …]; writes its exit status, seconds and CPU seconds
# beside LOG.
run_half() {
  local name=$1 log=$2 start=$SECONDS status=0
  shift 2
  mkdir -p "$work/$name"
  # In a subshell whose `times` gives the CPU seconds of pytest and its workers (the machine is
  # often shared: CPU time, unlike the wall clock, compares runs).
  (
    env -u DATABASE_URL SAMSYN_DATA_DIR="$work/$name" SAMSYN_TEST_ARTIFACTS="test-artifacts/$name" \
      "$@" $PY -m pytest "${pytest_args[@]}" >"$log" 2>&1 || status=$?
    times >"$log.times"  # (its second line: the children's user and system time, as 1m2.345s)
    cpu=$(tail -n 1 "$log.times" | awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); sum += t[1] * 60 + t[2] } } END { printf "%.0f", sum }')
    echo "$status $((SECONDS - start)) $cpu" >"$log.result"
  )
}
# The slowest tests (SAMSYN_TEST_DURATIONS of them, 25 by default; 0: all), to keep the run
# short; -n: each worker has its own test database (a suffix on PostgreSQL, its own memory on
# SQLite) and data directory (conftest.py); the demo world is built by one worker and loaded
# by the others (tests/demo_world.py).
pytest_args=(--durations="${SAMSYN_TEST_DURATIONS:-25}" -n "${SAMSYN_TEST_WORKERS:-2}" "$@")

pg_url=""
port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
if pg_url=$(scripts/postgres.sh start "$pgdir" "$port"); then :; else
  echo "Could not start PostgreSQL" >&2
  pg_url=""
fi

pg_env=(DATABASE_URL="$pg_url")
[ -n "${SAMSYN_TEST_PG_ALL:-}" ] || pg_env+=(SAMSYN_TEST_DATABASE_ONLY=1)
# The browser journeys and the generated access matrices run once, on PostgreSQL (conftest.py,
# on_production_database); without PostgreSQL, or with SAMSYN_TEST_PG_ALL=1, on SQLite too.
sqlite_env=()
[ -n "$pg_url" ] && [ -z "${SAMSYN_TEST_PG_ALL:-}" ] && sqlite_env+=(SAMSYN_TEST_NOT_ONCE=1)

pg_pid=""
if [ -n "$pg_url" ]; then
  if [ -n "${SAMSYN_TEST_SERIAL:-}" ]; then :; else
    run_half postgresql "$work/postgresql.log" "${pg_env[@]}" &
    pg_pid=$!
    echo "== Test suite on PostgreSQL: running beside SQLite ($pg_url); its output follows SQLite's =="
  fi
fi

echo "== Test suite on SQLite =="
: >"$work/sqlite.log"
run_half sqlite "$work/sqlite.log" "${sqlite_env[@]}" &
sqlite_pid=$!
tail -n +1 -f --pid=$sqlite_pid "$work/sqlite.log" 2>/dev/null &
tail_pid=$!
wait $sqlite_pid  # (a wait, not a foreground command, so that an interrupt stops at once)
wait $tail_pid

if [ -n "$pg_url" ]; then
  if [ -n "$pg_pid" ]; then
    wait "$pg_pid"
  else
    run_half postgresql "$work/postgresql.log" "${pg_env[@]}"
  fi
  echo "== Test suite on PostgreSQL ($pg_url) =="
  cat "$work/postgresql.log"
fi

# The PostgreSQL server's own CPU seconds (its finished backends' included), which the half's
# figure above does not count: the server is not a child of pytest.
pg_cpu=""
if [ -n "$pg_url" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
  postmaster=$(head -n 1 "$pgdir/data/postmaster.pid")
  pg_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15 + $16 + $17) / hz }' \
    "/proc/$postmaster/stat" 2>/dev/null)
fi

for half in sqlite postgresql; do
  label=$([ $half = sqlite ] && echo SQLite || echo PostgreSQL)
  if [ $half = sqlite ] && [ ${#sqlite_env[@]} -gt 0 ]; then
    label="SQLite (all but the browser journeys and the generated access matrices: those on PostgreSQL)"
  fi
  if [ $half = postgresql ] && [ -z "${SAMSYN_TEST_PG_ALL:-}" ]; then
    label="PostgreSQL (the tests that use the database, the browser journeys and the generated access matrices; the others on SQLite only)"
  fi
  if [ ! -f "$work/$half.log.result" ]; then
    note FAILED "tests on $label: did not run (PostgreSQL did not start)"
    continue
  fi
  read -r status seconds cpu <"$work/$half.log.result"
  last=$(grep -E '(passed|failed|errors?|skipped|no tests ran).* in [0-9.]+s' "$work/$half.log" | tail -n 1 | tr -d '=' | xargs)
  if [ "$status" -eq 0 ]; then verdict=PASSED; else verdict=FAILED; fi
  if [ $half = postgresql ] && [ "$status" -eq 5 ] && [ -z "${SAMSYN_TEST_PG_ALL:-}" ]; then
    verdict=SKIPPED  # (pytest's "no tests ran": none of the selected tests uses the database)
  fi
  cpu="$(elapsed "${cpu:-0}") of CPU"
  [ $half = postgresql ] && [ -n "$pg_cpu" ] && cpu="$cpu, and the server's $(elapsed "$pg_cpu")"
  note "$verdict" "tests on $label in $(elapsed "$seconds") ($cpu): ${last:-no pytest summary (exit $status)}"
done

echo
echo "== Summary ($(elapsed $((SECONDS - started))) in all) =="
printf '%s\n' "${summary[@]}"
exit $failed
