#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what Durable Studio needs to build and run on Debian 12, if it is missing.
# Everything comes from Debian's own packages (Qt 6.4.2).
set -euo pipefail

packages=(cmake g++ make qt6-base-dev qt6-base-dev-tools qt6-declarative-dev libsqlite3-dev
          libgl-dev qt6-qpa-plugins clang-format git python3
          # the sanitizer and fuzzing builds of the test command (.ci/run)
          clang-14 libclang-rt-14-dev libfuzzer-14-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi
echo "Installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
