#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds Qt's base modules (Core, Concurrent, Network, Test) with ThreadSanitizer from Debian's own
# source of the Qt the project uses (qt6-base 6.4.2), into PREFIX (default: build/qt-tsan).
#
#   packaging/build-tsan-qt.sh [PREFIX]
#   packaging/run-sanitizers.sh tsan       # then finds PREFIX and uses it
#
# Why: ThreadSanitizer only sees the synchronisation of instrumented code. Debian's Qt is not
# instrumented, so every queued call between threads (a QMutex on a futex inside libQt6Core) looks
# like a race: ~700 false reports in the core suites. With this Qt, TSan sees Qt's own locks.
# Takes about 25 minutes on 2 cores (604 build steps), which is why .ci/run does not do it.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-$PWD/build/qt-tsan}
work=$PWD/build/qt-tsan-src
version=6.4.2+dfsg
mkdir -p "$work"
cd "$work"
if [ ! -d qtbase-everywhere-src-6.4.2 ]; then
    curl -fsSLO "http://deb.debian.org/debian/pool/main/q/qt6-base/qt6-base_${version}.orig.tar.xz"
    tar xf "qt6-base_${version}.orig.tar.xz"
fi
mkdir -p build
cd build
../qtbase-everywhere-src-6.4.2/configure -prefix "$prefix" -release -sanitize thread \
    -no-gui -no-widgets -no-dbus -no-opengl -nomake examples -nomake tests -no-feature-sql \
    -no-icu -no-glib -no-openssl -no-feature-xml -no-zstd -- -G Ninja
ninja -j"$(nproc)"
ninja install
echo "ThreadSanitizer Qt installed in $prefix"
