"""``/healthz`` answered before anything reads the Host header.

Compose's health check, Kubernetes probes and load balancers call the app by its address
(``127.0.0.1:8000``, a pod IP), which is rarely in ``ALLOWED_HOSTS``: through the normal stack
every probe would get 400 ("DisallowedHost"), the web service would never be healthy, and the
worker and beat (``depends_on: service_healthy``) would never start. The answer is the same
database and broker report as the view, and carries no data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            from .views import healthz

            return healthz(request)
        return self.get_response(request)
