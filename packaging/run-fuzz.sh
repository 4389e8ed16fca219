#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target for SECONDS each (default 60), seeded by tests/fuzz/corpus and
# tests/fuzz/dict. Fails on any crash, leak, timeout or sanitizer report; a crashing input is
# kept as <build>/fuzz-artifacts/<target>-crash-<sha1> (reproduce: <build>/tests/fuzz/<target> FILE).
#
#   packaging/run-fuzz.sh [SECONDS] [BUILD_DIR]
#
# BUILD_DIR defaults to build/fuzz, configured and built with the fuzz preset if needed; CI passes
# build/dev-asan, whose build has the same flags and already holds the targets. The repository's
# corpus is never written: each target runs on a copy under BUILD_DIR/fuzz-corpus, which grows
# from run to run on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${2:-build/fuzz}
targets=(fuzz_http_request fuzz_scenario fuzz_json_schema fuzz_cron fuzz_package_metadata fuzz_v8_value)

if [[ $build == build/fuzz ]]; then
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz
else
    cmake --build "$build" --target fuzz_all -j2
fi

declare -A max_len=([fuzz_http_request]=4096 [fuzz_scenario]=16384 [fuzz_json_schema]=32768
                    [fuzz_cron]=256 [fuzz_package_metadata]=65536 [fuzz_v8_value]=4096)
declare -A dict=([fuzz_http_request]=tests/fuzz/dict/fuzz_http_request.dict
                 [fuzz_scenario]=tests/fuzz/dict/json.dict
                 [fuzz_json_schema]=tests/fuzz/dict/json.dict
                 [fuzz_cron]=tests/fuzz/dict/fuzz_cron.dict)
mkdir -p "$build/fuzz-artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for target in "${targets[@]}"; do
    corpus="$build/fuzz-corpus/$target"
    mkdir -p "$corpus"
    cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
    args=("$corpus" -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10
          -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$build/fuzz-artifacts/$target-")
    [[ -n ${dict[$target]:-} ]] && args+=(-dict="${dict[$target]}")
    log="$build/fuzz-artifacts/$target.log"
    status=0
    "$build/tests/fuzz/$target" "${args[@]}" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    files=$(find "$corpus" -type f | wc -l)
    if ((status == 0)); then
        printf 'PASS %-22s %10s runs in %ss, %6s/s, corpus %s files\n' \
            "$target" "${runs:-?}" "$seconds" "${speed:-?}" "$files"
    else
        printf 'FAIL %-22s exit %s after %s runs; the end of %s:\n' \
            "$target" "$status" "${runs:-?}" "$log"
        tail -n 40 "$log" | sed 's/^/    /'
        failed+=("$target")
    fi
done
if ((${#failed[@]})); then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
