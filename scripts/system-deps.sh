#!/usr/bin/env bash
# Install the Debian packages the given profile needs, only those missing (idempotent).
# Usage: scripts/system-deps.sh run|test
set -euo pipefail

run_pkgs=(gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
test_pkgs=("${run_pkgs[@]}" chromium postgresql r-base-core r-cran-psych r-cran-erm r-cran-jsonlite r-cran-lme4 r-cran-clubsandwich)
case "${1:-run}" in
  run) pkgs=("${run_pkgs[@]}") ;;
  test) pkgs=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for pkg in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them (sudo apt-get install ${missing[*]}) or run this as root." >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
