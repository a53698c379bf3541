#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for
# SECONDS (default 60) on a copy of its seeds from tests/fixtures. Prints the
# executions per target; exits non-zero on the first crash, leak or timeout
# (the input is kept as fuzz/crash-TARGET-*: make it a unit-test fixture).
#   fuzz/run.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${2:-build-fuzz}
if ! command -v clang++ >/dev/null || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
        clang++ -x c++ -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then  # a fuzz target's shape
    echo "fuzz: needs clang++ and libFuzzer (apt-get install clang libclang-rt-dev)" >&2
    exit 77  # meson's "skipped"
fi
if [ ! -f "$build/build.ninja" ]; then
    CXX=clang++ meson setup "$build" -Dfuzz=true -Dtests=false -Dbenches=false \
        -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$build" >/dev/null
fixtures=tests/fixtures
seeds() {  # the fixtures a target starts from, and fuzz/seeds/TARGET
    case "$1" in
        vscsistats_csv|sample_file) ls "$fixtures"/*.csv ;;
        listing|inventory) ls "$fixtures"/*.txt ;;
        fio_logs) find "$fixtures" -type f \( -name '*.log' -o -name '*iolog*' \) ;;
        job_meta) find "$fixtures" -name 'job.json' ;;
        vsphere) ls "$fixtures"/vsphere/*.xml ;;
    esac
    [ -d "fuzz/seeds/$1" ] && find "fuzz/seeds/$1" -type f
    return 0
}
status=0
for target in vscsistats_csv listing inventory fio_logs config json_rpc sample_file job_meta vsphere; do
    corpus=$(mktemp -d)
    while read -r f; do [ -n "$f" ] && cp "$f" "$corpus/"; done < <(seeds "$target")
    log=$(mktemp)
    if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="fuzz/crash-$target-" "$corpus" >"$log" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | cut -d' ' -f2)
        printf 'fuzz %-15s %10s executions in %s s: clean\n' "$target" "${runs:-?}" "$seconds"
    else
        status=1
        echo "fuzz $target: FAILED (input kept as fuzz/crash-$target-*)" >&2
        tail -40 "$log" >&2
    fi
    rm -rf "$corpus" "$log"
done
exit $status
