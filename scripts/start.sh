#!/usr/bin/env bash
# The newcomer's one command: provision Node 24 + pnpm 10 if needed, install, build, start examples/api.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=toolchain.sh
source scripts/toolchain.sh
pnpm install --frozen-lockfile
exec pnpm start
