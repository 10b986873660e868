from django.core.exceptions import BadRequest


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
