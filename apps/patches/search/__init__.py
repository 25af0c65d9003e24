"""The search language of patch and cover lists: one parser, one compiler.

``apply_search(queryset, text)`` narrows a patch (or cover) queryset to what
``text`` finds, or raises ``SearchError`` with a message for the user. The
REST API's ``search=``, the web list's search box and the list feeds all
call it. The grammar is in ``syntax``, each prefix's meaning in ``terms``,
and the help page (``templates/search_help.html``) documents
both.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.patches.models import Cover, Patch
from apps.patches.search import terms
from apps.patches.search.errors import SearchError
from apps.patches.search.syntax import And, Node, Not, Or, Term, parse

__all__ = ["SearchError", "apply_search", "search_condition"]


def apply_search[M: (Patch, Cover)](queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """Return the rows of ``queryset`` that ``text`` finds (all of them if blank).

    Raises ``SearchError`` for text that is not a valid search.
    """
    condition = search_condition(queryset.model, text)
    return queryset if condition is None else queryset.filter(condition)


def search_condition(model: type[Patch | Cover], text: str) -> Q | None:
    """Return the condition ``text`` means on ``model`` (None: no condition)."""
    tree = parse(text)
    if not tree.nodes:
        return None
    handlers = terms.PATCH_TERMS if model is Patch else terms.COVER_TERMS
    context = terms.Context(now=timezone.now())
    return _compile(tree, handlers, context)


def _compile(
    node: Node, handlers: dict[str, terms.Handler], context: terms.Context
) -> Q:
    match node:
        case Term(prefix, value, quoted):
            handler = _handler(prefix, handlers)
            if not value:
                raise SearchError(f"'{prefix}:' needs a value after the colon.")
            return handler(value, quoted, context)
        case Not(inner):
            return ~_compile(inner, handlers, context)
        case Or(nodes):
            return _combine([_compile(n, handlers, context) for n in nodes], Q.OR)
        case And(nodes):
            return _combine([_compile(n, handlers, context) for n in nodes], Q.AND)
    raise AssertionError(node)  # pragma: no cover - the parser makes no other node


def _combine(conditions: list[Q], connector: str) -> Q:
    combined = Q(*conditions)
    combined.connector = connector
    return combined


def _handler(prefix: str, handlers: dict[str, terms.Handler]) -> terms.Handler:
    handler = handlers.get(prefix)
    if handler is not None:
        return handler
    if prefix in terms.PATCH_TERMS:
        raise SearchError(f"'{prefix}:' applies to patches only.")
    known = ", ".join(f"{name}:" for name in sorted(handlers) if name)
    raise SearchError(
        f"'{prefix}:' is not a search prefix. Known prefixes: {known}. "
        'Put text with a colon in quotes ("...") to search for it.'
    )
