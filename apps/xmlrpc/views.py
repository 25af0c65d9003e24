import inspect

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from apps.xmlrpc import methods
from apps.xmlrpc.dispatcher import dispatcher


@csrf_exempt
def xmlrpc(request: HttpRequest) -> HttpResponse:
    """Answer XML-RPC calls (POST); document the methods (GET)."""
    # Read at request time so the switch needs no URLconf reload.
    if not settings.ENABLE_XMLRPC:
        raise Http404("XML-RPC is not enabled on this server.")
    if request.method == "POST":
        response = dispatcher.dispatch(request.body, request)
        return HttpResponse(response, content_type="text/xml; charset=utf-8")
    if request.method in ("GET", "HEAD"):
        return render(request, "xmlrpc/documentation.html", {"methods": _documented()})
    return redirect("/")


def _documented() -> list[dict]:
    entries = []
    for function in (*methods.PUBLIC, *methods.AUTHENTICATED):
        signature = inspect.signature(function)
        parameters = [p for p in signature.parameters if p != "user"]
        entries.append(
            {
                "name": function.__name__,
                "signature": f"{function.__name__}({', '.join(parameters)})",
                "doc": inspect.getdoc(function) or "",
                "authenticated": function in methods.AUTHENTICATED,
            }
        )
    return entries
