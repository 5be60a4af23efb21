#!/usr/bin/env bash
# `make test`: install what the tests need, then run the whole suite on SQLite and on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/system-deps.sh test || exit 1
scripts/bootstrap.sh --dev || exit 1
PY=.venv/bin/python
export SAMSYN_REQUIRE_R=1 SAMSYN_REQUIRE_BROWSER=1

$PY manage.py compilemessages --ignore=.venv -v0 || exit 1

# Lint problems fail the run, but only after the tests have run too: one run shows everything.
status=0
echo "== ruff =="
.venv/bin/ruff check . || status=1
.venv/bin/ruff format --check . || status=1
echo "== pip-audit (known vulnerabilities in uv.lock) =="
scripts/audit.sh || status=1
echo "== Test suite on SQLite =="
env -u DATABASE_URL $PY -m pytest "$@" || status=1

pgdir=$(mktemp -d /tmp/samsyn-pg.XXXXXX)
port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
trap 'scripts/postgres.sh stop "$pgdir"' EXIT
if url=$(scripts/postgres.sh start "$pgdir" "$port"); then
  echo "== Test suite on PostgreSQL ($url) =="
  DATABASE_URL=$url $PY -m pytest "$@" || status=1
else
  echo "Could not start PostgreSQL" >&2
  status=1
fi
exit $status
