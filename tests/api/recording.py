"""Record the API's JSON responses to clients the tests do not drive directly.

``tests/settings.py`` installs ``record_api_responses``; it does nothing
until a test sets ``RECORDED`` to a list. The live-server tests of real
clients (git-pw) then check every response the server sent them against
the contract, as the test client does for its own requests.
"""

import json

RECORDED: list[tuple[str, str, int, object, bool]] | None = None


def record_api_responses(get_response):
    def middleware(request):
        response = get_response(request)
        if (
            RECORDED is not None
            and request.path.startswith("/api/")
            and request.method != "HEAD"
            and response.get("Content-Type", "").startswith("application/json")
        ):
            RECORDED.append(
                (
                    request.method,
                    request.path,
                    response.status_code,
                    json.loads(response.content),
                    "HTTP_AUTHORIZATION" in request.META,
                )
            )
        return response

    return middleware
