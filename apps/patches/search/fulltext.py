"""Full text over subject and message body, on PostgreSQL and on SQLite.

PostgreSQL: each patch and cover row stores the English ``to_tsvector`` of
its name and content in a generated column (``DOCUMENT_COLUMN``, computed
by the database on every write, imports included) with a GIN index; a
query stems its words the same way (``plainto_tsquery`` for a word,
``phraseto_tsquery`` for a phrase). The column is not a model field, since
SQLite has none: it is named here alone. SQLite: a contentless FTS5 table
per table, with the Porter stemmer, kept by triggers. Both are created by
the migrations. The first ``DOCUMENT_CHARS`` characters of a row are
indexed.
"""

from django.db.models import BooleanField, F, Func, Model, Value

DOCUMENT_CHARS = 100_000

DOCUMENT_COLUMN = "search_document"

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
        super().__init__(F("pk"), Value(text))
        self.phrase = phrase

    def _parts(self, compiler, connection):
        return [compiler.compile(part) for part in self.get_source_expressions()]

    def as_postgresql(self, compiler, connection, **extra_context):
        pk, text = self._parts(compiler, connection)
        # The row's alias, as the primary key's column was written with it.
        alias = pk[0].rpartition(".")[0]
        column = connection.ops.quote_name(DOCUMENT_COLUMN)
        document = f"{alias}.{column}" if alias else column
        parse = "phraseto_tsquery" if self.phrase else "plainto_tsquery"
        sql = f"{document} @@ {parse}('english'::regconfig, {text[0]})"
        return sql, tuple(text[1])

    def as_sqlite(self, compiler, connection, **extra_context):
        pk, _ = self._parts(compiler, connection)
        table = connection.ops.quote_name(fts_table(self._model(compiler)))
        words = self.get_source_expressions()[1].value
        sql = f"{pk[0]} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"  # noqa: S608
        return sql, (*pk[1], fts5_phrase(words))

    @staticmethod
    def _model(compiler) -> type[Model]:
        return compiler.query.model
