#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (pip-audit against PyPI's advisory data).
# Fails on any known vulnerability that is not in the ignore list below; each ignore names
# the advisory, why it does not apply to Samsyn, and when to look again.
set -euo pipefail
cd "$(dirname "$0")/.."

IGNORE=(
  # (none at present) — add as: --ignore-vuln GHSA-xxxx  # reason; review by YYYY-MM-DD
)

req=$(mktemp /tmp/samsyn-req.XXXXXX)
trap 'rm -f "$req"' EXIT
# uv lives beside the Python that made .venv (scripts/bootstrap.sh installs it there).
base=$(.venv/bin/python -c 'import os, sys; print(os.path.join(sys.base_prefix, "bin", "python3"))')
"$base" -m uv export --frozen --all-groups --no-hashes --no-emit-project \
  --format requirements-txt --quiet >"$req"
status=0
out=$(.venv/bin/pip-audit --requirement "$req" --no-deps --disable-pip --progress-spinner off \
  --vulnerability-service pypi --format json ${IGNORE[@]+"${IGNORE[@]}"} 2>/dev/null) || status=$?
# Summarise: vulnerabilities fail the run; packages the service could not look up are counted
# and reported loudly (a registry mirror without PyPI's per-release JSON audits nothing).
AUDIT_JSON="$out" .venv/bin/python - "$status" <<'PY'
import json, os, sys

status = int(sys.argv[1])
try:
    report = json.loads(os.environ["AUDIT_JSON"])
except (KeyError, ValueError):
    print("pip-audit gave no report (exit %d)." % status)
    sys.exit(1)
deps = report.get("dependencies", [])
found = [(d["name"], d["version"], v["id"], v.get("fix_versions")) for d in deps for v in d.get("vulns", [])]
skipped = [d["name"] for d in deps if d.get("skip_reason")]
for name, version, vid, fixes in found:
    print(f"VULNERABLE {name} {version}: {vid} (fixed in {', '.join(fixes) or 'no release yet'})")
print(f"pip-audit: {len(deps) - len(skipped)} of {len(deps)} locked packages audited, "
      f"{len(found)} known vulnerabilities.")
if skipped:
    print(f"WARNING: {len(skipped)} packages could not be looked up by the vulnerability "
          "service (not audited): " + ", ".join(skipped[:10]) + (" …" if len(skipped) > 10 else ""))
sys.exit(1 if found else 0)
PY
