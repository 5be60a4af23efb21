#!/usr/bin/env bash
# Make the Python environment: find Python 3.13, install uv if missing, sync .venv from uv.lock.
# Usage: scripts/bootstrap.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(cat .python-version)
find_python() {
  local candidates=()
  if command -v pyenv >/dev/null 2>&1; then
    candidates+=("$(pyenv which python 2>/dev/null || true)")
    candidates+=("$(pyenv root 2>/dev/null)/versions/$want"*/bin/python"$want")
  fi
  candidates+=("$(command -v "python$want" 2>/dev/null || true)")
  candidates+=("$HOME/.pyenv/versions/$want"*/bin/python"$want" /usr/local/bin/python"$want" /usr/bin/python"$want")
  for py in "${candidates[@]}"; do
    if [ -n "$py" ] && [ -x "$py" ] && "$py" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; then
      echo "$py"
      return 0
    fi
  done
  return 1
}

PY=$(find_python) || { echo "Python $want was not found (pyenv install $want)." >&2; exit 1; }
if ! "$PY" -m uv --version >/dev/null 2>&1; then
  echo "Installing uv for $PY…"
  "$PY" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
args=(--frozen --python "$PY")
[ "${1:-}" = "--dev" ] || args+=(--no-dev)
"$PY" -m uv sync "${args[@]}" --quiet
echo "Environment ready: .venv ($(.venv/bin/python -V))"
