#!/usr/bin/env bash
# npm run fuzz: runs each cargo-fuzz target in fuzz/ for a while, one after another.
#   bash scripts/fuzz.sh [MINUTES] [TARGET...]   MINUTES per target (default $FUZZ_MINUTES or 10)
#   FUZZ_SECONDS=15 bash scripts/fuzz.sh          seconds per target instead
#   FUZZ_RUNS=3000 bash scripts/fuzz.sh            a fixed number of inputs per target from a
#                                                 fixed seed (what CI runs: the same inputs every
#                                                 time, so a green run stays green, and a slow
#                                                 machine is not a finding)
#   FUZZ_KEEP_GOING=1 bash scripts/fuzz.sh        go on past crashes (libFuzzer's fork mode), to
#                                                 collect every kind of crash in a long run
# Needs nightly Rust (cargo-fuzz builds with -Z flags); installs cargo-fuzz into ~/.cargo/bin
# if it is missing. Builds every target once, seeds fuzz/corpus/<target>/ from fuzz/seeds/ and
# tests/fixtures/stacks/, then fuzzes. libFuzzer's output goes to fuzz/logs/<target>.log; a
# crash or timeout is saved under fuzz/artifacts/<target>/ and fails the run (after the other
# targets have had their turn).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[fuzz] $*" >&2; }

minutes="${FUZZ_MINUTES:-10}"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  minutes="$1"
  shift
fi
seconds="${FUZZ_SECONDS:-$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')}"
all_targets=(dsn stack_v8 stack_spidermonkey stack_wasm stack_auto scrub_text scrub_event json envelope transaction)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -f "fuzz/fuzz_targets/$t.rs" ] || { say "no target '$t' (targets: ${all_targets[*]})"; exit 2; }
done

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  say "FAIL: nightly Rust is not installed, and cargo-fuzz needs it (libFuzzer's -Z flags)."
  say "      Install it with: rustup toolchain install nightly"
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz into ~/.cargo/bin (once; about a minute)"
  # --locked first; without it if a locked version is not in the registry.
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

# No sanitizer: the crate has no unsafe code (ASan would halve the speed and find nothing
# more); debug assertions on, so integer overflow panics as in a debug build.
build_flags=(--sanitizer none --debug-assertions)
say "building the fuzz targets (cargo +nightly fuzz build)"
build_start=$SECONDS
(cd fuzz && cargo +nightly fuzz build "${build_flags[@]}" >/dev/null 2>fuzz-build.log) || {
  cat fuzz/fuzz-build.log >&2
  say "FAIL: the fuzz targets do not build"
  exit 1
}
say "built in $((SECONDS - build_start)) s"
bin_dir="fuzz/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"

# Seeds: the committed ones, and the stack fixtures copied in at run time.
seed() { # target, fixture directories... (FLAG: a first byte for targets that read one)
  local t="$1" dir f
  shift
  mkdir -p "fuzz/corpus/$t"
  [ -d "fuzz/seeds/$t" ] && cp fuzz/seeds/"$t"/* "fuzz/corpus/$t/"
  for dir in "$@"; do
    for f in tests/fixtures/stacks/"$dir"/*.txt; do
      [ -f "$f" ] || continue
      { [ -n "${FLAG:-}" ] && printf '\x00'; cat "$f"; } >"fuzz/corpus/$t/fixture-$dir-$(basename "$f")"
    done
  done
  return 0
}
seed_all() {
  local all=() d
  for d in tests/fixtures/stacks/*/; do all+=("$(basename "$d")"); done
  seed dsn
  seed stack_v8 v8 v8_legacy hermes chakra phantomjs react_native
  seed stack_spidermonkey spidermonkey spidermonkey_legacy jsc jsc_legacy indented react_native
  seed stack_wasm
  FLAG=1 seed stack_auto "${all[@]}"
  seed scrub_text
  seed scrub_event
  seed json
  seed envelope
  seed transaction
}
seed_all

keep_going=()
if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
  keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
mkdir -p fuzz/logs
if [ -n "${FUZZ_RUNS:-}" ]; then
  say "fuzzing ${#targets[@]} targets, $FUZZ_RUNS inputs each from seed 1, one at a time"
else
  say "fuzzing ${#targets[@]} targets for $seconds s each, one at a time (~$(( (${#targets[@]} * seconds + 59) / 60 )) min)"
fi
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  log="fuzz/logs/$t.log"
  if [ -n "${FUZZ_RUNS:-}" ]; then what="$FUZZ_RUNS inputs"; else what="$seconds s"; fi
  say "$t: fuzzing for $what (log: $log)"
  start=$SECONDS
  status=0
  before="$(ls "fuzz/artifacts/$t" | wc -l)"
  # -timeout: an input taking over 10 s is a finding (saved as timeout-*), not a hang; one
  # taking over 2 s is saved as slow-unit-* and fails the run too (the page would freeze).
  if [ -n "${FUZZ_RUNS:-}" ]; then
    budget=(-runs="$FUZZ_RUNS" -seed=1 -report_slow_units=30)
  else
    budget=(-max_total_time="$seconds" -report_slow_units=2)
  fi
  "$bin_dir/$t" "fuzz/corpus/$t" "${keep_going[@]}" \
    "${budget[@]}" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1 || status=$?
  last="$(grep -E 'cov: ' "$log" | tail -1 | sed -E 's/^#([0-9]+):?[[:space:]]+(DONE|pulse|NEW|REDUCE)?[[:space:]]*/\1 runs, /' || true)"
  slowest="$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -1)"
  new_artifacts=$(( $(ls "fuzz/artifacts/$t" | wc -l) - before ))
  if [ "$status" -eq 0 ] && [ "$new_artifacts" -eq 0 ]; then
    say "$t: ok after $((SECONDS - start)) s: ${last:-?}; slowest input ${slowest:-?} s"
  else
    failed+=("$t")
    say "$t: FAILED (exit $status, $new_artifacts new artifacts) after $((SECONDS - start)) s: ${last:-?}"
    # The panic message (or libFuzzer's reason) and the input, without the backtrace.
    awk '/panicked at/ { p = 1 } /^stack backtrace:/ { p = 0 } p' "$log" | head -12 >&2
    grep -E '^(==[0-9]+== ERROR|SUMMARY|artifact_prefix|Base64)' "$log" | tail -8 >&2
    for artifact in $(ls -t "fuzz/artifacts/$t" | head -"$new_artifacts"); do
      say "$t: input saved as fuzz/artifacts/$t/$artifact"
      say "     reproduce: $bin_dir/$t fuzz/artifacts/$t/$artifact"
      say "     minimize:  (cd fuzz && cargo +nightly fuzz tmin ${build_flags[*]} $t artifacts/$t/$artifact)"
    done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  say "FAIL: ${failed[*]} found a crash or a timeout (see above)"
  exit 1
fi
say "all ${#targets[@]} targets ran without a crash or a timeout"
