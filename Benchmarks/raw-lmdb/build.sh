#!/usr/bin/env bash
# Builds the raw LMDB baseline (needs liblmdb-dev). Output: raw-lmdb/raw_lmdb next to this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cc -O2 -Wall -Wextra -o "$here/raw_lmdb" "$here/raw_lmdb.c" -llmdb
