from django.core.exceptions import BadRequest

from .views import health

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers the health check (``/healthz``) whatever the Host header, before any other middleware.

    Monitors and load balancers ask an app server by its address (``Host: 10.0.0.5:8000``) or with
    a name of their own; every other address still needs a Host in ALLOWED_HOSTS (Django checks it
    when something reads the host, which the answer here never does).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """A query string containing NUL (``%00``) is a 400, not a database error.

    PostgreSQL text cannot hold NUL, so a search for it would otherwise fail
    deep in a query (a 500) on every page that filters by a GET parameter,
    the admin's searches included. Forms already refuse NUL in posted fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
