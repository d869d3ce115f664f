#!/usr/bin/env bash
# scripts/setup-python.sh — the Python side of tattle's e2e harness.
#
# Ensures a venv at "${TATTLE_CACHE:-$HOME/.cache/tattle}/venv" holding
#   * bugsink       — a real Sentry-compatible server (Django + SQLite), started by tests/support/bugsink.mjs
#   * sentry-relay  — Relay's normalizer + PII scrubber as a Python wheel, the judge in tests/support/relay_check.py
#   * Django + sentry-sdk — the seed's backend (tests/support/django_backend/, started by tests/support/django.mjs).
#                     Both are also bugsink's own dependencies (it pins Django==5.2.*, sentry-sdk==2.*): the pins here
#                     are versions inside those ranges, so pip never has to move what bugsink needs.
# at exactly the versions pinned below. Idempotent: when the venv's marker file already names these pins and the
# interpreter still runs, it returns at once (a few ms). An existing venv is never wiped; a version mismatch is fixed
# with `pip install` into the same venv. Prints what it does to stderr as "[setup] ...". Prints nothing on stdout.
#
# Environment:  TATTLE_CACHE (default ~/.cache/tattle)   PYTHON (default python3; 3.10+ needed by bugsink 2.x)
# Cold run: ~1 min (download + install ~60 packages); warm run: a no-op.
set -euo pipefail

BUGSINK_VERSION="2.6.2"
SENTRY_RELAY_VERSION="0.10.1"
DJANGO_VERSION="5.2.19"      # must stay within bugsink's Django==5.2.*
SENTRY_SDK_VERSION="2.75.0"  # must stay within bugsink's sentry-sdk==2.*

CACHE="${TATTLE_CACHE:-$HOME/.cache/tattle}"
VENV="$CACHE/venv"
PY="${PYTHON:-python3}"
MARKER="$VENV/.tattle-pins"
WANT="bugsink==$BUGSINK_VERSION sentry-relay==$SENTRY_RELAY_VERSION django==$DJANGO_VERSION sentry-sdk==$SENTRY_SDK_VERSION"

say() { echo "[setup] $*" >&2; }

# Fast path: marker matches and the venv's interpreter is alive (it breaks when the base python is replaced).
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ] && "$VENV/bin/python" -c "" 2>/dev/null; then
  exit 0
fi

# Slow path: serialize concurrent runs (parallel test files on a cold machine), then re-check under the lock.
mkdir -p "$CACHE"
exec 9>"$CACHE/.setup-python.lock"
if command -v flock >/dev/null; then
  flock -w 600 9 || { say "error: timed out waiting for $CACHE/.setup-python.lock"; exit 1; }
  if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ] && "$VENV/bin/python" -c "" 2>/dev/null; then
    exit 0
  fi
fi

if ! "$VENV/bin/python" -c "" 2>/dev/null; then
  command -v "$PY" >/dev/null || { say "error: $PY not found (need Python 3.10+ with venv)"; exit 1; }
  say "creating venv $VENV with $("$PY" --version 2>&1)"
  "$PY" -m venv "$VENV"
fi

# Ask the venv which versions it has (no network); install only what differs.
installed="$("$VENV/bin/python" - <<'EOF'
from importlib import metadata
out = []
for name in ("bugsink", "sentry-relay", "django", "sentry-sdk"):
    try:
        out.append(f"{name}=={metadata.version(name)}")
    except metadata.PackageNotFoundError:
        out.append(f"{name}==none")
print(" ".join(out))
EOF
)"

if [ "$installed" = "$WANT" ]; then
  say "venv $VENV already has $WANT"
else
  say "venv has: $installed; installing $WANT"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
    "bugsink==$BUGSINK_VERSION" "sentry-relay==$SENTRY_RELAY_VERSION" \
    "django==$DJANGO_VERSION" "sentry-sdk==$SENTRY_SDK_VERSION" >&2
fi

# Verify the pieces the harness actually uses import and work, then write the marker.
"$VENV/bin/python" - <<'EOF' >&2
from sentry_relay.processing import StoreNormalizer, convert_datascrubbing_config, pii_strip_event
StoreNormalizer(project_id=1).normalize_event({"message": "setup check"})
import bugsink, django  # noqa: F401
from sentry_sdk.integrations.django import DjangoIntegration  # noqa: F401  (tests/support/django_backend)
EOF
for tool in gunicorn bugsink-create-conf; do
  [ -x "$VENV/bin/$tool" ] || { say "error: $VENV/bin/$tool missing after install"; exit 1; }
done
printf '%s' "$WANT" > "$MARKER"
say "ok: $WANT in $VENV"
