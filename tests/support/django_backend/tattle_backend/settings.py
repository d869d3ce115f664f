"""Settings of the test backend: the seed's Django 5.2 + sentry-sdk set-up, reduced to what the e2e tests need.

Configured by environment variables (tests/support/django.mjs sets them):
  TATTLE_DJANGO_DSN            sentry-sdk's DSN (unset or empty: sentry-sdk is initialised without a DSN = off)
  TATTLE_DJANGO_ALLOW_ORIGIN   origins the CORS middleware allows, comma-separated, or "*" (see cors.py)
  TATTLE_DJANGO_RELEASE        release (default "tattle-django-backend@1.0.0"; set so sentry-sdk never asks git)
  TATTLE_DJANGO_ENVIRONMENT    environment (default "test")
  TATTLE_DJANGO_TRACES_SAMPLE_RATE  traces_sample_rate (default 1.0, the seed's production value)
  TATTLE_DJANGO_SENTRY_DEBUG   "1" → sentry-sdk's debug log on stderr
No database: DATABASES is empty and no app needs one.
"""

import os

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

sentry_sdk.init(
    dsn=os.environ.get("TATTLE_DJANGO_DSN") or None,
    integrations=[DjangoIntegration()],
    traces_sample_rate=float(os.environ.get("TATTLE_DJANGO_TRACES_SAMPLE_RATE", "1.0")),
    release=os.environ.get("TATTLE_DJANGO_RELEASE") or "tattle-django-backend@1.0.0",
    environment=os.environ.get("TATTLE_DJANGO_ENVIRONMENT") or "test",
    debug=os.environ.get("TATTLE_DJANGO_SENTRY_DEBUG") == "1",
)

SECRET_KEY = "tattle-test-backend-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tattle_backend.urls"
INSTALLED_APPS = []
MIDDLEWARE = ["tattle_backend.cors.CorsMiddleware"]
DATABASES = {}
USE_TZ = True
TIME_ZONE = "UTC"
