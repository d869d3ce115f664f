from django.urls import path

from . import views

urlpatterns = [
    path("api/ping", views.ping),
    path("api/slow", views.slow),
    path("api/boom", views.boom),
]
