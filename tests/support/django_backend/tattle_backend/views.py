"""The API the browser page and the e2e tests call. sentry-sdk's DjangoIntegration makes an http.server
transaction of every GET/POST (it skips HEAD and OPTIONS), continuing an incoming sentry-trace/baggage."""

import time

import sentry_sdk
from django.http import JsonResponse


def _server_trace():
    tx = sentry_sdk.get_current_scope().transaction
    if tx is None:
        return None
    return {"trace_id": tx.trace_id, "span_id": tx.span_id, "sampled": tx.sampled, "transaction": tx.name}


def ping(request):
    """Echoes the trace headers it received, and the ids of the transaction sentry-sdk runs for this request."""
    return JsonResponse({
        "ok": True,
        "sentry-trace": request.headers.get("sentry-trace"),
        "baggage": request.headers.get("baggage"),
        "server": _server_trace(),
    })


def slow(request):
    """Answers after ?ms=N milliseconds (default 100, at most 30000), inside a child span op "function"."""
    try:
        ms = max(0, min(int(request.GET.get("ms", "100")), 30000))
    except ValueError:
        return JsonResponse({"ok": False, "error": "ms must be an integer"}, status=400)
    with sentry_sdk.start_span(op="function", name="slow.sleep"):
        time.sleep(ms / 1000)
    return JsonResponse({"ok": True, "ms": ms, "server": _server_trace()})


class BackendBoom(RuntimeError):
    pass


def boom(request):
    """Raises: Django answers 500 and sentry-sdk reports the error, linked to this request's trace.
    ?tag=X is put into the message so a test can find its own error."""
    raise BackendBoom(f"tattle backend boom {request.GET.get('tag', '')}".strip())
