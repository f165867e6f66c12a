#!/usr/bin/env bash
# Installs what Lumbung needs to build and test on a fresh Debian/Ubuntu machine, skipping what
# is already there: liblmdb-dev and libnats-dev (the LMDB and NATS C client system libraries), and the test tools (an independent JCS
# implementation, DuckDB, libhxl, schemathesis, Chromium, nats-server, wrk).
set -euo pipefail
need_apt=()
pkg-config --exists lmdb 2>/dev/null || need_apt+=(liblmdb-dev)
pkg-config --exists libnats 2>/dev/null || need_apt+=(libnats-dev)
command -v mdb_stat >/dev/null 2>&1 || need_apt+=(lmdb-utils)
if [ "${LUMBUNG_FULL_DEPS:-1}" = "1" ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v nats-server >/dev/null 2>&1 || need_apt+=(nats-server)
  command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
if ! python3 - <<'PY' 2>/dev/null
import importlib, sys
for m in ("rfc8785", "duckdb", "hxl", "schemathesis", "openapi_spec_validator", "cryptography", "nats", "pytest"):
    importlib.import_module(m)
PY
then
  python3 -m pip install -q -r "$(dirname "$0")/../requirements-test.txt"
fi
