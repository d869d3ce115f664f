"""A minimal CORS middleware: lets the browser page (another origin) call the API with Sentry's trace headers.

Allowed origins come from TATTLE_DJANGO_ALLOW_ORIGIN (comma-separated; "*" allows any origin). For an allowed
Origin every response gets Access-Control-Allow-Origin: <that origin> (echoed, never "*", so it also works for
credentialed requests); preflights (OPTIONS with Access-Control-Request-Method) are answered here with 204 and
Access-Control-Allow-Methods / -Allow-Headers (sentry-trace, baggage, content-type) / -Max-Age. A preflight from an
origin that is not allowed gets the 204 without CORS headers, so the browser refuses the real request.
"""

import os

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

ALLOW_HEADERS = "sentry-trace, baggage, content-type"
ALLOW_METHODS = "GET, POST, OPTIONS"


class CorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        raw = os.environ.get("TATTLE_DJANGO_ALLOW_ORIGIN", "")
        self.allowed = {o.strip().rstrip("/") for o in raw.split(",") if o.strip()}

    def __call__(self, request):
        origin = request.headers.get("Origin")
        allowed = origin is not None and ("*" in self.allowed or origin in self.allowed)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            if allowed:
                response["Access-Control-Allow-Methods"] = ALLOW_METHODS
                response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                response["Access-Control-Max-Age"] = "600"
        else:
            response = self.get_response(request)
        if allowed:
            response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ["Origin"])
        return response
