#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what Durable Studio needs to build and run on Debian 12, if it is missing.
# Everything comes from Debian's own packages (Qt 6.4.2), except Miniflare for the Cloudflare
# tests, which npm installs from resources/cloudflare/package-lock.json.
set -euo pipefail

packages=(cmake g++ make qt6-base-dev qt6-base-dev-tools qt6-declarative-dev libsqlite3-dev
          libgl-dev qt6-qpa-plugins clang-format git python3
          # the DevTools client of the browser tests (tests/common/chromiumpage) and the browser
          qt6-websockets-dev chromium
          # the sanitizer and fuzzing builds of the test command (.ci/run)
          clang-14 libclang-rt-14-dev libfuzzer-14-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node.js and npm run the Cloudflare adapter's tests under Miniflare (tests/cloudflare). Asked
# by command, not by dpkg: a Node installed another way (nodesource, nvm) counts, and Debian's
# npm package would conflict with it.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]} > 0)); then
    echo "Installing: ${missing[*]}"
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo_cmd=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Miniflare, pinned by resources/cloudflare/package-lock.json: installed when node_modules is
# missing or older than the lock file.
cloudflare_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/resources/cloudflare"
if [[ ! -d "$cloudflare_dir/node_modules" || "$cloudflare_dir/package-lock.json" -nt "$cloudflare_dir/node_modules" ]]; then
    echo "Installing Miniflare (npm ci in resources/cloudflare)"
    (cd "$cloudflare_dir" && npm ci --no-audit --no-fund)
    touch "$cloudflare_dir/node_modules"
fi
