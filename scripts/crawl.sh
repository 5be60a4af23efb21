#!/usr/bin/env bash
# `make crawl`: the whole quality-gate crawl (docs/quality.md) against the demo served by
# gunicorn, as in production: every role, Swedish and English, every URL pattern at 1280, 1024
# and 390 px, and pages slower than SAMSYN_CRAWL_SLOW seconds (1) fail.
#
# The demo is built in its own data directory (SAMSYN_CRAWL_DATA, else a new one under /tmp,
# removed afterwards; give one to keep the demo between runs). Arguments go to the crawler
# (python -m tests.crawl.run --help), e.g. --roles rektor --languages en.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/system-deps.sh test || exit 1
scripts/bootstrap.sh --dev || exit 1
PY=.venv/bin/python

if [ -n "${SAMSYN_CRAWL_DATA:-}" ]; then
  data=$SAMSYN_CRAWL_DATA
  mkdir -p "$data"
  keep=1
else
  data=$(mktemp -d /tmp/samsyn-crawl.XXXXXX)
  keep=""
fi
export SAMSYN_DATA_DIR=$data
unset DATABASE_URL

server=""
finish() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  [ -n "$keep" ] || rm -rf "$data"
}
trap finish EXIT
trap 'exit 130' INT TERM

$PY manage.py compilemessages --ignore=.venv -v0 || exit 1
$PY manage.py collectstatic --no-input -v0 || exit 1
$PY manage.py migrate --no-input -v0 || exit 1
$PY manage.py demo --if-empty >/dev/null || exit 1

port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
.venv/bin/gunicorn samsyn.wsgi -c gunicorn.conf.py -b "127.0.0.1:$port" -w 2 \
  --error-logfile "$data/gunicorn.log" >/dev/null 2>&1 &
server=$!
echo "== gunicorn on 127.0.0.1:$port (log: $data/gunicorn.log), waiting for it =="
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 "$server" 2>/dev/null || { echo "gunicorn did not start" >&2; cat "$data/gunicorn.log" >&2; exit 1; }
  sleep 1
done

echo "== crawl =="
$PY -m tests.crawl.run --base-url "http://127.0.0.1:$port" --slow "${SAMSYN_CRAWL_SLOW:-1}" "$@"
