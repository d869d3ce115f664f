#!/usr/bin/env bash
# npm test: everything, against real parts. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[test] $*" >&2; }
start=$SECONDS

bash scripts/setup.sh all

say "cargo fmt --check and clippy"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features tracing --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p panic_app --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p yew_app --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p leptos_app --quiet -- -D warnings
cargo clippy --all-targets --features leptos,log,tracing-subscriber --quiet -- -D warnings

say "native unit and fixture tests (cargo test)"
cargo test --quiet
cargo test --quiet --lib --features leptos,log,tracing-subscriber   # the integrations' unit tests
# The fuzz targets, briefly: the same 30,000 inputs each from a fixed seed (so a green run stays
# green), over a corpus seeded with the fixtures, so a crash a long `npm run fuzz` found and
# fixed stays fixed. cargo-fuzz needs nightly Rust: without it this step says so and is NOT run.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  say "fuzz targets, 30,000 inputs each (scripts/fuzz.sh; npm run fuzz runs them for minutes)"
  FUZZ_RUNS="${FUZZ_RUNS:-30000}" bash scripts/fuzz.sh
else
  say "NOT RUN: the fuzz targets need nightly Rust, which this machine lacks (rustup toolchain install nightly)"
fi
say "delivery policy and storm guard unit tests (node --test tests/unit/)"
node --test tests/unit/

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
say "wasm boundary tests in Node"
cargo test --target wasm32-unknown-unknown --test node
say "wasm boundary tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web

say "building the npm package (dist/), and the build with test hooks the e2e tests of trap containment use (dist-test/)"
node scripts/build.mjs
node scripts/build.mjs --test-hooks

say "type test: typical @sentry/browser code against dist/*.d.ts, TypeScript 5.9 and 7.0 (tests/types/run.mjs)"
node tests/types/run.mjs

say "end-to-end tests (Playwright + Chromium + Bugsink + sentry-relay)"
node --test --test-concurrency=1 tests/e2e/

say "all green in $((SECONDS - start)) s"
