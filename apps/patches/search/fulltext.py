"""Full text over subject and message body, on PostgreSQL and on SQLite.

PostgreSQL: an expression GIN index (``DOCUMENT``, created by the migration)
over the English ``to_tsvector`` of a row's name and content; a query
repeats the same expression so the planner uses the index, and stems its
words the same way (``plainto_tsquery`` for a word, ``phraseto_tsquery``
for a phrase). SQLite: a contentless FTS5 table per table, with the Porter
stemmer, kept by triggers (created by the migration too). The first
``DOCUMENT_CHARS`` characters of a row are indexed.
"""

from django.db.models import BooleanField, F, Func, Model, Value

DOCUMENT_CHARS = 100_000

# The indexed document of a row; {name} and {content} are its columns.
DOCUMENT = (
    "to_tsvector('english'::regconfig, "
    f"left({{name}} || ' ' || COALESCE({{content}}, ''), {DOCUMENT_CHARS}))"
)


def fts_table(model: type[Model]) -> str:
    """Return the SQLite FTS5 table of ``model``'s rows."""
    return f"{model._meta.db_table}_fts"


def fts5_phrase(text: str) -> str:
    """Return ``text`` as one FTS5 phrase: a string, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


class TextMatch(Func):
    """True for the rows whose name or content hold ``text``'s words.

    ``phrase`` asks for the words in that order, next to each other.
    """

    output_field = BooleanField()

    def __init__(self, text: str, *, phrase: bool) -> None:
        super().__init__(F("pk"), F("name"), F("content"), Value(text))
        self.phrase = phrase

    def _parts(self, compiler, connection):
        return [compiler.compile(part) for part in self.get_source_expressions()]

    def as_postgresql(self, compiler, connection, **extra_context):
        _, name, content, text = self._parts(compiler, connection)
        document = DOCUMENT.format(name=name[0], content=content[0])
        parse = "phraseto_tsquery" if self.phrase else "plainto_tsquery"
        sql = f"{document} @@ {parse}('english'::regconfig, {text[0]})"
        return sql, (*name[1], *content[1], *text[1])

    def as_sqlite(self, compiler, connection, **extra_context):
        pk, _, _, _ = self._parts(compiler, connection)
        table = connection.ops.quote_name(fts_table(self._model(compiler)))
        words = self.get_source_expressions()[3].value
        sql = f"{pk[0]} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"  # noqa: S608
        return sql, (*pk[1], fts5_phrase(words))

    @staticmethod
    def _model(compiler) -> type[Model]:
        return compiler.query.model
