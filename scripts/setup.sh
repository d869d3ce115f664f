#!/usr/bin/env bash
# Installs what tattle's build, tests and demo need, idempotently, and says what it is doing.
#   scripts/setup.sh build   Rust wasm target, wasm-bindgen-cli (pinned to Cargo.toml), npm deps
#   scripts/setup.sh all     build + the test-only npm tools (tests/bundlers, tests/sourcemaps, tests/types) +
#                            Debian chromium/chromium-driver/firefox-esr + the Python venv (Bugsink, sentry-relay,
#                            Django + sentry-sdk for the test backend tests/support/django_backend)
# Slow things are cached: cargo install in ~/.cargo/bin, npm ci only when a package-lock.json changed,
# the venv under ${TATTLE_CACHE:-~/.cache/tattle}.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
say() { echo "[setup] $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

command -v cargo >/dev/null || { say "cargo is missing: install Rust with rustup first (https://rustup.rs)"; exit 1; }
command -v node >/dev/null || { say "node is missing: install Node.js 20 or newer"; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

wb_version="$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$wb_version" ] || { say "could not read the pinned wasm-bindgen version from Cargo.toml"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  # No --locked: with it the install fails here (a locked dependency version is not in the registry).
  say "installing wasm-bindgen-cli $wb_version (matches the crate; takes about 3 minutes once)"
  cargo install wasm-bindgen-cli --version "=$wb_version"
fi

stamp=node_modules/.tattle-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

[ "$what" = build ] && exit 0

# Test-only tools with their own install (so the root one stays light), npm ci when their lock
# changed: tests/bundlers, the bundler matrix; tests/sourcemaps, Vite and Sentry's CLI for the
# source-map test; tests/types, TypeScript 5.9 and 7.0 for the type test; tests/frameworks, React, Vue, their
# routers, @sentry/react and @sentry/vue and Vite for the framework tests (react.test.mjs, vue.test.mjs); tests/edge, Hono and @sentry/hono for the Workers tests. SENTRYCLI_SKIP_DOWNLOAD:
# the CLI's binary must come from the npm registry (its per-platform optional dependency), never
# from Sentry's CDN, which its postinstall would try.
for sub in bundlers sourcemaps types frameworks edge; do
  stamp=tests/$sub/node_modules/.tattle-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s tests/$sub/package-lock.json "$stamp"; then
    say "installing tests/$sub's own npm tools (npm ci)"
    (cd tests/$sub && SENTRYCLI_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    cp tests/$sub/package-lock.json "$stamp"
  fi
done

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || missing+=(xvfb)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian's ${missing[*]} (apt-get; a minute or two)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/setup-python.sh
