#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs the non-GUI suites (core, storage, agent, models, HTTP, CLI, packages,
# examples) under the sanitizers; any report fails the run.
#
#   packaging/run-sanitizers.sh [asan|tsan|all]
#
# asan: the dev-asan preset (clang-14, AddressSanitizer + LeakSanitizer + UBSan, UB is fatal);
#       every non-GUI test. Its build also holds the fuzz targets (packaging/run-fuzz.sh).
# tsan: the dev-tsan preset (ThreadSanitizer), every non-GUI test. Not in .ci/run: with Debian's
#       Qt, which is not built with TSan, it reports Qt's own event-queue and QWaitCondition
#       hand-offs as races (docs/RELIABILITY.md, "Sanitizers").
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

run_tsan() {
    cmake --preset dev-tsan
    cmake --build --preset dev-tsan
    ctest --preset dev-tsan
}

case $mode in
asan) run_asan ;;
tsan) run_tsan ;;
all) run_asan && run_tsan ;;
*) echo "usage: $0 [asan|tsan|all]" >&2; exit 2 ;;
esac
