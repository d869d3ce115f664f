"""Runs the test backend: python serve.py <port>  (Django's runserver on 127.0.0.1:<port>, no autoreload).

Started by tests/support/django.mjs with a pipe on stdin: when that pipe closes (the node process ended in any way,
even SIGKILL) a watchdog thread stops the server. SIGTERM exits through sys.exit, so atexit handlers run and
sentry-sdk flushes what it still holds (its AtexitIntegration, up to shutdown_timeout = 2 s).
"""

import os
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tattle_backend.settings")


def _on_term(signum, frame):
    sys.exit(0)


def _watch_stdin():
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    signal.signal(signal.SIGTERM, _on_term)
    if os.environ.get("TATTLE_DJANGO_WATCH_STDIN") == "1":
        threading.Thread(target=_watch_stdin, name="tattle-stdin-watchdog", daemon=True).start()
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], "runserver", "--noreload", f"127.0.0.1:{sys.argv[1]}"])


if __name__ == "__main__":
    main()
