"""The search language's grammar: text to a tree of terms.

    query   := clause*             clauses are ANDed
    clause  := unary ("OR" unary)*
    unary   := "-"? term
    term    := prefix ":" value | value
    value   := word | '"' text '"'

A prefix is letters and dashes before a colon (``from:``, ``is:``); any case.
``OR`` (upper case, unquoted) is the only operator word. The text is bounded
(length and number of terms) before anything else runs, so a query costs at
most a fixed amount to parse and to run.
"""

import re
from dataclasses import dataclass

from apps.patches.search.errors import SearchError

MAX_LENGTH = 500
MAX_TERMS = 16

_PREFIX = re.compile(r"([A-Za-z][A-Za-z-]*):")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Term:
    """One condition: ``prefix`` is "" for free text; ``quoted`` for "a phrase"."""

    prefix: str
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class Or:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class And:
    nodes: tuple["Node", ...]


type Node = Term | Not | Or | And

_OR = object()


def parse(text: str) -> And:
    """Return the query ``text`` as a tree; raise SearchError if it is not one."""
    if len(text) > MAX_LENGTH:
        raise SearchError(f"The search is too long (at most {MAX_LENGTH} characters).")
    tokens = _tokens(text)
    if sum(1 for token in tokens if token is not _OR) > MAX_TERMS:
        raise SearchError(f"The search has too many terms (at most {MAX_TERMS}).")
    return And(tuple(_clauses(tokens)))


def _clauses(tokens: list) -> list["Node"]:
    """Group ``a OR b`` runs; everything else is one clause per term."""
    clauses: list[list[Node]] = []
    joining = False
    for token in tokens:
        if token is _OR:
            if not clauses or joining:
                raise SearchError("OR needs a term on each side.")
            joining = True
        elif joining:
            clauses[-1].append(token)
            joining = False
        else:
            clauses.append([token])
    if joining:
        raise SearchError("OR needs a term on each side.")
    return [group[0] if len(group) == 1 else Or(tuple(group)) for group in clauses]


def _tokens(text: str) -> list:
    """Return the terms (negated ones wrapped in Not) and OR markers of ``text``."""
    tokens: list = []
    position = _skip_space(text, 0)
    while position < len(text):
        token, position = _token(text, position)
        tokens.append(token)
        position = _skip_space(text, position)
    return tokens


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _token(text: str, position: int) -> tuple[object, int]:
    negated = text[position] == "-" and position + 1 < len(text)
    if negated and text[position + 1].isspace():
        raise SearchError("A '-' must be followed by the term it excludes.")
    start = position + 1 if negated else position
    prefix = ""
    match = _PREFIX.match(text, start)
    if match:
        prefix = match.group(1).lower()
        start = match.end()
    value, quoted, end = _value(text, start)
    if not quoted and not prefix and value == "OR" and not negated:
        return _OR, end
    if not prefix and not value and quoted:
        raise SearchError('An empty phrase ("") finds nothing; remove it.')
    term = Term(prefix, value, quoted)
    return (Not(term) if negated else term), end


def _value(text: str, start: int) -> tuple[str, bool, int]:
    """Return (value, quoted, end) of the value starting at ``start``."""
    if start < len(text) and text[start] == '"':
        close = text.find('"', start + 1)
        if close < 0:
            raise SearchError('A quoted phrase is missing its closing ".')
        return text[start + 1 : close], True, close + 1
    match = _SPACE.search(text, start)
    end = match.start() if match else len(text)
    return text[start:end], False, end
