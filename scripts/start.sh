#!/usr/bin/env bash
# The newcomer's one command: provision Node 24 + pnpm 10 if needed, install, build, start examples/api.
# The service runs from the repo root, so a `.env` (and `.env.local`) there configures it. It runs as
# `node` itself in the foreground (no pnpm run around it), so Ctrl-C reaches it directly: it drains,
# closes and exits 0. `--no-build` skips install and build when they are done already.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=toolchain.sh
source scripts/toolchain.sh
if [ "${1:-}" != "--no-build" ]; then
  pnpm install --frozen-lockfile
  pnpm build
fi
exec node examples/api/src/main.ts
