# shellcheck shell=bash
# Sourced, not run: puts Node >= 22 and pnpm 10 on PATH.
#
# The project targets Node >= 22 (20 is end-of-life). When the machine's node is older, Node 24
# and pnpm 10 are installed from the npm registry into a cache folder (the `node` package ships a
# real binary; corepack is not used because its signature check fails on some machines).
# INFRA_TOOLCHAIN_DIR picks the folder (default ~/.cache/infra-toolchain).

infra_toolchain_dir=${INFRA_TOOLCHAIN_DIR:-$HOME/.cache/infra-toolchain}
infra_node_spec=node@24
infra_pnpm_spec=pnpm@10

infra_log() { echo "[toolchain] $*" >&2; }

infra_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(infra_node_major)" -lt 22 ]; then
  if [ ! -x "$infra_toolchain_dir/node/node_modules/node/bin/node" ]; then
    command -v npm >/dev/null || { infra_log "npm is needed to install Node 24; install Node.js and npm first"; return 1; }
    infra_log "node $(node --version 2>/dev/null || echo none) is older than 22: installing $infra_node_spec into $infra_toolchain_dir/node"
    mkdir -p "$infra_toolchain_dir/node"
    npm install --prefix "$infra_toolchain_dir/node" --no-audit --no-fund "$infra_node_spec" >&2
  fi
  export PATH="$infra_toolchain_dir/node/node_modules/node/bin:$PATH"
fi

if ! pnpm --version 2>/dev/null | grep -q '^10\.'; then
  if [ ! -x "$infra_toolchain_dir/pnpm/node_modules/.bin/pnpm" ]; then
    infra_log "installing $infra_pnpm_spec into $infra_toolchain_dir/pnpm"
    mkdir -p "$infra_toolchain_dir/pnpm"
    npm install --prefix "$infra_toolchain_dir/pnpm" --no-audit --no-fund "$infra_pnpm_spec" >&2
  fi
  export PATH="$infra_toolchain_dir/pnpm/node_modules/.bin:$PATH"
fi

[ "$(infra_node_major)" -ge 22 ] || { infra_log "could not provide Node >= 22"; return 1; }
infra_log "node $(node --version), pnpm $(pnpm --version)"
