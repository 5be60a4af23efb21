"""The verdict of `scripts/audit.sh` on pip-audit's JSON report: passed, failed or not audited.

A run passes only when every locked package was looked up and none has a known vulnerability.
Known vulnerabilities fail it, even when other packages could not be looked up. When fewer
packages were audited than are locked (the vulnerability service unreachable, a registry mirror
without PyPI's per-release JSON, pip-audit giving no report at all), the run is NOT AUDITED,
with the reason: `make test` lists it as skipped, never as passed.

Usage: audit_report.py REQUIREMENTS PIP_AUDIT_EXIT JSON_FILE STDERR_FILE
Exit status: 0 passed, 1 vulnerable, 3 not audited (see EXIT_NOT_AUDITED).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

EXIT_PASSED, EXIT_VULNERABLE, EXIT_NOT_AUDITED = 0, 1, 3


def locked_packages(requirements: str) -> int:
    """How many pinned packages an exported requirements file names for this platform (a
    package whose environment marker does not hold here, e.g. colorama on Windows, is not
    installed, so pip-audit does not look it up)."""
    from packaging.markers import Marker

    count = 0
    for line in requirements.splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" not in line or line.startswith("-"):
            continue
        _pin, _sep, marker = line.partition(";")
        if not marker.strip() or Marker(marker.strip()).evaluate():
            count += 1
    return count


def verdict(
    report: dict | None, *, locked: int, status: int = 0, stderr: str = ""
) -> tuple[int, list[str]]:
    """(exit status, lines to print) for pip-audit's JSON `report` on `locked` packages."""
    if report is None:
        reason = (stderr.strip().splitlines() or ["no output"])[-1]
        return EXIT_NOT_AUDITED, [
            f"pip-audit: NOT AUDITED (0 of {locked} locked packages): pip-audit gave no "
            f"report (exit {status}): {reason}"
        ]
    deps = report.get("dependencies", [])
    found = [(d, v) for d in deps for v in d.get("vulns", [])]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)
    lines = [
        f"VULNERABLE {d['name']} {d.get('version', '?')}: {v['id']} "
        f"(fixed in {', '.join(v.get('fix_versions') or []) or 'no release yet'})"
        for d, v in found
    ]
    lines.append(
        f"pip-audit: {audited} of {locked} locked packages audited, "
        f"{len(found)} known vulnerabilities."
    )
    if audited < locked:
        reasons = Counter(_reason(d["skip_reason"]) for d in skipped)
        if len(deps) < locked:
            reasons[f"{locked - len(deps)} not in pip-audit's report"] += 1
        why = "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(3))
        names = ", ".join(d["name"] for d in skipped[:10]) + (" …" if len(skipped) > 10 else "")
        lines.append(
            f"pip-audit: NOT AUDITED: {locked - audited} of {locked} locked packages were not "
            f"looked up: {why}" + (f" [{names}]" if names else "")
        )
    if found:
        return EXIT_VULNERABLE, lines
    return (EXIT_NOT_AUDITED if audited < locked else EXIT_PASSED), lines


def _reason(text: str) -> str:
    # "Dependency not found on PyPI and could not be audited: django (6.1.3)" → without the name
    return text.split(":", 1)[0].strip() if ":" in text else text.strip()


def main(argv: list[str]) -> int:
    requirements, status, report_file, stderr_file = argv[1:5]
    text = Path(report_file).read_text()
    try:
        report = json.loads(text) if text.strip() else None
    except ValueError:
        report = None
    code, lines = verdict(
        report,
        locked=locked_packages(Path(requirements).read_text()),
        status=int(status),
        stderr=Path(stderr_file).read_text(errors="replace"),
    )
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
