#!/usr/bin/env bash
# Installs what Lumbung needs on a fresh Debian/Ubuntu machine, skipping what is already there.
# Debian packages come from apt-get (as root, or through sudo); Python packages only ever go into
# the virtual environment .venv, never into the system's python3 (PEP 668).
#
#   Scripts/install-deps.sh demo   what `make demo` needs to build and run `lumbung`: liblmdb-dev,
#                                  libnats-dev (the LMDB and NATS C client libraries it links) and
#                                  pkg-config. No Python.
#   Scripts/install-deps.sh test   (the default) the same, the test tools (Chromium, nats-server,
#                                  wrk, lmdb-utils, zbar-tools, libqrencode-dev, python3 and
#                                  python3-venv), then .venv with the pinned Python test packages of
#                                  requirements-test.lock (an independent JCS implementation,
#                                  cryptography, DuckDB, libhxl, schemathesis, nats-py, pytest, ...),
#                                  reinstalled whenever the lock file changes.
set -euo pipefail
mode="${1:-test}"
case "$mode" in
  demo | test) ;;
  *) echo "usage: $0 [demo|test]" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$root/.venv"
LOCK="$root/requirements-test.lock"

# A command on PATH, or in /usr/sbin (nats-server is there, and not on a user's PATH on Debian).
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
has_lib() { have pkg-config && pkg-config --exists "$1" 2>/dev/null; }

need=()
need_chromium=0
have pkg-config || need+=(pkg-config)
has_lib lmdb || need+=(liblmdb-dev)
has_lib libnats || need+=(libnats-dev)
if [ "$mode" = test ]; then
  have mdb_stat || need+=(lmdb-utils)
  have nats-server || need+=(nats-server)
  have wrk || need+=(wrk)
  have zbarimg || need+=(zbar-tools)
  # systemd-analyze verifies the units in deploy/ (the package is only a tool here; nothing is booted).
  have systemd-analyze || need+=(systemd)
  have jq || need+=(jq)
  has_lib libqrencode || need+=(libqrencode-dev)
  have chromium || have chromium-browser || need_chromium=1
  have python3 || need+=(python3)
  # Debian and Ubuntu ship venv's ensurepip in python3-venv: without it `python3 -m venv` fails.
  { have python3 && python3 -c 'import venv, ensurepip' 2>/dev/null; } || need+=(python3-venv)
fi

if [ ${#need[@]} -gt 0 ] || [ "$need_chromium" = 1 ]; then
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  if [ "$need_chromium" = 1 ]; then
    # Debian calls it chromium; Ubuntu chromium-browser.
    chromium=chromium
    apt-cache policy chromium 2>/dev/null | grep 'Candidate: [^(]' >/dev/null || chromium=chromium-browser
    need+=("$chromium")
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

[ "$mode" = test ] || exit 0

# The virtual environment: made once with python3 (made again if its interpreter is gone), and
# given the locked packages whenever requirements-test.lock differs from the copy installed last.
if ! "$VENV/bin/python3" -c '' 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" || {
    rm -rf "$VENV"
    echo "install-deps.sh: \`python3 -m venv $VENV\` failed ($(command -v python3)); on Debian/Ubuntu: apt-get install python3-venv" >&2
    exit 1
  }
fi
if ! cmp -s "$LOCK" "$VENV/requirements-test.lock"; then
  "$VENV/bin/python3" -m pip install -q --disable-pip-version-check -r "$LOCK"
  cp "$LOCK" "$VENV/requirements-test.lock"
fi
