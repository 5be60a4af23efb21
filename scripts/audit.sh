#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (pip-audit against PyPI's advisory data).
# Fails on any known vulnerability that is not in the ignore list below (exit 1); exits 3, "NOT
# AUDITED", when the service could not look every locked package up. Each ignore names
# the advisory, why it does not apply to Samsyn, and when to look again.
set -euo pipefail
cd "$(dirname "$0")/.."

IGNORE=(
  # (none at present) — add as: --ignore-vuln GHSA-xxxx  # reason; review by YYYY-MM-DD
)

work=$(mktemp -d /tmp/samsyn-audit.XXXXXX)
trap 'rm -rf "$work"' EXIT
req=$work/requirements.txt
# uv lives beside the Python that made .venv (scripts/bootstrap.sh installs it there).
base=$(.venv/bin/python -c 'import os, sys; print(os.path.join(sys.base_prefix, "bin", "python3"))')
"$base" -m uv export --frozen --all-groups --no-hashes --no-emit-project \
  --format requirements-txt --quiet >"$req"
status=0
.venv/bin/pip-audit --requirement "$req" --no-deps --disable-pip --progress-spinner off \
  --vulnerability-service pypi --format json ${IGNORE[@]+"${IGNORE[@]}"} \
  >"$work/report.json" 2>"$work/stderr" || status=$?
# The verdict (scripts/audit_report.py, tested in tests/test_audit_report.py): exit 0 when every
# locked package was audited and none is vulnerable, 1 on a known vulnerability, 3 when fewer
# packages were audited than are locked ("NOT AUDITED" and why; make test shows it as skipped).
.venv/bin/python scripts/audit_report.py "$req" "$status" "$work/report.json" "$work/stderr"
