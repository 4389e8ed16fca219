#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs the non-GUI suites (core, storage, agent, models, HTTP, CLI, packages,
# examples) under the sanitizers; any report fails the run.
#
#   packaging/run-sanitizers.sh [asan|tsan|all]
#
# asan: the dev-asan preset (clang-14, AddressSanitizer + LeakSanitizer + UBSan, UB is fatal);
#       every non-GUI test. Its build also holds the fuzz targets (packaging/run-fuzz.sh).
# tsan: the dev-tsan preset (ThreadSanitizer), every non-GUI test, against a TSan-built Qt
#       (packaging/build-tsan-qt.sh, ~25 min once). Not in .ci/run: that Qt build does not fit
#       CI's time, and with Debian's uninstrumented Qt every queued call is reported as a race
#       (docs/RELIABILITY.md, "Sanitizers").
# Neither runs reliability_brief: that suite measures RSS and timings of the real binary, which a
# sanitizer inflates by design. The GUI suites are not built (DURABLE_BUILD_UI=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

run_asan() {
    cmake --preset dev-asan
    cmake --build --preset dev-asan
    ctest --preset dev-asan
}

# Against the TSan-built Qt of packaging/build-tsan-qt.sh when there is one (QT_TSAN_PREFIX, default
# build/qt-tsan); against Debian's Qt the run is noise (see the header).
run_tsan() {
    local qt=${QT_TSAN_PREFIX:-$PWD/build/qt-tsan}
    local prefix=()
    if [ -d "$qt/lib/cmake/Qt6" ]; then
        prefix=(-DCMAKE_PREFIX_PATH="$qt")
    else
        echo "warning: no TSan-built Qt in $qt (packaging/build-tsan-qt.sh): Qt's own hand-offs will be reported" >&2
    fi
    cmake --preset dev-tsan "${prefix[@]}"
    cmake --build --preset dev-tsan
    ctest --preset dev-tsan
}

case $mode in
asan) run_asan ;;
tsan) run_tsan ;;
all) run_asan && run_tsan ;;
*) echo "usage: $0 [asan|tsan|all]" >&2; exit 2 ;;
esac
