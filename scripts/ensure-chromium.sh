#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium, where the browser tests (playwright-core
# with executablePath) look for it. Installs the `chromium` package when it is missing and this
# runs as root on Debian; otherwise prints what to install and exits 1. Prints nothing when
# Chromium is already there (its version with --verbose).
#
# Usage: scripts/ensure-chromium.sh [--verbose]

set -euo pipefail

readonly CHROMIUM=/usr/bin/chromium

say() { printf 'ensure-chromium.sh: %s\n' "$*" >&2; }

verbose=false
case "${1:-}" in
  '') ;;
  --verbose) verbose=true ;;
  *)
    say "unknown option $1 (use --verbose)"
    exit 64
    ;;
esac

if [[ -x $CHROMIUM ]]; then
  $verbose && say "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") is installed."
  exit 0
fi

if [[ $(id -u) -ne 0 ]] || [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  say "$CHROMIUM is missing. Install Debian's Chromium as root: apt-get update && apt-get install -y chromium
  (on another system, install Chromium and link its binary to $CHROMIUM). Never run 'playwright install':
  the tests use the system browser."
  exit 1
fi

say "installing Debian's chromium package"
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

if [[ ! -x $CHROMIUM ]]; then
  say "apt-get installed chromium, but $CHROMIUM is still missing; check 'dpkg -L chromium'."
  exit 1
fi
$verbose && say "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") is installed."
exit 0
