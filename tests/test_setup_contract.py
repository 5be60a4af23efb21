"""The set-up contract: whatever the code and its tests run outside Python is installed by
`scripts/system-deps.sh`.

A fresh clone on a machine that happened to have R's lme4 from earlier passed `make test`; a
fresh machine did not. This test reads the repository instead of the machine: every R package
loaded with `library()` / `requireNamespace()` and every external command run through
`subprocess` / `shutil.which` must map to a Debian package that `scripts/system-deps.sh test`
installs (or be a command that the project's own .venv provides).
"""

from __future__ import annotations

import re
from pathlib import Path

THIS_FILE = Path(__file__).resolve()  # its examples of missing packages are not real calls
REPO = THIS_FILE.parents[1]
SYSTEM_DEPS = REPO / "scripts" / "system-deps.sh"
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "var", "test-artifacts", ".git"}

# Packages that ship with R itself (r-base-core).
R_BASE = {
    "base", "compiler", "datasets", "graphics", "grDevices", "grid", "methods", "parallel",
    "splines", "stats", "stats4", "tcltk", "tools", "utils",
}  # fmt: skip
# External command → the Debian package that provides it. A command found in the code that is
# neither here nor in .venv/bin fails the test until someone says where it comes from.
COMMANDS = {
    "Rscript": "r-base-core",
    "chromium": "chromium",
    "msgfmt": "gettext",
    "xgettext": "gettext",
    "msgmerge": "gettext",
    # The postgresql package depends on the server and the client of its version.
    "initdb": "postgresql",
    "pg_ctl": "postgresql",
    "pg_amcheck": "postgresql",
    "pg_dump": "postgresql",
    "pg_restore": "postgresql",
    "psql": "postgresql",
    "runuser": "util-linux",  # essential: on every Debian system
}
ESSENTIAL = {"util-linux", "coreutils", "bash"}

R_CALL = re.compile(
    r"""(?<![\w.$])(?:library|requireNamespace)\(\s*["']?([A-Za-z][A-Za-z0-9.]*)["']?\s*[,)]"""
)
COMMAND_PATTERNS = [
    re.compile(r"""shutil\.which\(\s*["']([^"'/]+)["']"""),
    re.compile(
        r"""subprocess\.(?:run|Popen|call|check_call|check_output)\(\s*\[\s*["']([^"']+)["']"""
    ),
    re.compile(r"""_tool\(\s*["']([^"']+)["']\)"""),  # samsyn/lib/backup.py's which-or-fail
    re.compile(r"""["']/usr/bin/([\w.+-]+)["']"""),
    re.compile(r"""bindir\s*/\s*["']([\w.+-]+)["']"""),
    re.compile(r"""\$bindir/([\w.+-]+)"""),  # scripts/postgres.sh
    re.compile(r"""with_name\(\s*["']([\w.+-]+)["']\)"""),  # beside sys.executable: the venv
]


def source_files(root: Path) -> list[Path]:
    files = []
    for path in root.rglob("*"):
        if path.suffix not in {".py", ".sh", ".R", ".r"} or not path.is_file():
            continue
        if SKIP_DIRS.intersection(path.relative_to(root).parts) or path == THIS_FILE:
            continue
        files.append(path)
    return sorted(files)


def r_packages(text: str) -> set[str]:
    return {name for name in R_CALL.findall(text)} - R_BASE


def commands(text: str) -> set[str]:
    found = set()
    for pattern in COMMAND_PATTERNS:
        found.update(Path(name).name for name in pattern.findall(text))
    return found


def installed_by_system_deps(script: str, profile: str = "test") -> set[str]:
    """The Debian packages `system-deps.sh <profile>` installs, read from its bash arrays."""
    arrays = {name: body.split() for name, body in re.findall(r"^(\w+)=\(([^)]*)\)", script, re.M)}

    def expand(name: str) -> set[str]:
        packages = set()
        for item in arrays.get(name, []):
            if ref := re.fullmatch(r'"?\$\{(\w+)\[@\]\}"?', item):
                packages |= expand(ref.group(1))
            else:
                packages.add(item.strip('"'))
        return packages

    return expand(f"{profile}_pkgs")


def missing(root: Path, script: str, venv_bin: Path) -> list[str]:
    """What the code under `root` needs and `script` does not install, one line each."""
    installed = installed_by_system_deps(script) | ESSENTIAL
    problems = []
    for path in source_files(root):
        text = path.read_text(errors="replace")
        where = path.relative_to(root)
        for package in sorted(r_packages(text)):
            debian = f"r-cran-{package.lower()}"
            if debian not in installed:
                problems.append(f"{where}: R package {package} ({debian}) is not installed")
        for command in sorted(commands(text)):
            if command in COMMANDS:
                if COMMANDS[command] not in installed:
                    problems.append(
                        f"{where}: command {command} ({COMMANDS[command]}) is not installed"
                    )
            elif not (venv_bin / command).exists():
                problems.append(
                    f"{where}: command {command} comes from no known package "
                    "(add it to COMMANDS here and its package to system-deps.sh)"
                )
    return problems


def test_system_deps_installs_everything_the_code_runs():
    problems = missing(REPO, SYSTEM_DEPS.read_text(), REPO / ".venv" / "bin")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_it_should(tmp_path):
    """The scanner sees the calls the repository really makes (else the test above is empty)."""
    found_r: set[str] = set()
    found_commands: set[str] = set()
    for path in source_files(REPO):
        text = path.read_text(errors="replace")
        found_r |= r_packages(text)
        found_commands |= commands(text)
    assert {"psych", "eRm", "jsonlite", "lme4"} <= found_r
    assert {"Rscript", "chromium", "msgfmt", "pg_dump", "initdb", "gunicorn"} <= found_commands


def test_it_names_what_is_missing(tmp_path):
    # The R call is assembled here so that no scanner reading this repository (this test's
    # own or an outside one) takes the fixture for a package the project loads.
    r_call = "library" + "(ggplot2)"
    (tmp_path / "bench.py").write_text(
        "import subprocess, shutil\n"
        f"R = \"suppressMessages({r_call}); requireNamespace('lme4')\"\n"
        'subprocess.run(["pdftoppm", "-png", "x.pdf"])\n'
        'shutil.which("Rscript")\n'
        'subprocess.run(["psql", "-c", "select 1"])\n'
    )
    script = 'run_pkgs=(gettext)\ntest_pkgs=("${run_pkgs[@]}" r-base-core r-cran-lme4)\n'
    problems = missing(tmp_path, script, tmp_path / "no-venv")
    assert problems == [
        "bench.py: R package ggplot2 (r-cran-ggplot2) is not installed",
        "bench.py: command pdftoppm comes from no known package "
        "(add it to COMMANDS here and its package to system-deps.sh)",
        "bench.py: command psql (postgresql) is not installed",
    ]
