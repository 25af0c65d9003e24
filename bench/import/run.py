r"""Import benchmark: rows per second of ``manage.py importpatchwork``.

1. builds an upstream Patchwork database (schema of upstream main, as the
   import tests build it) on PostgreSQL or MariaDB and fills it in bulk,
   server-side: ``--patches`` patches (default 100,000) in series of five,
   1.5 comments, one check and two events per patch, their people, series,
   series references and tags;
2. migrates a fresh patchserver database (PostgreSQL, or SQLite with
   ``--target sqlite``) and imports the source into it, timing the command.

Usage (from the repository root)::

    .venv/bin/python bench/import/run.py
    .venv/bin/python bench/import/run.py --source mysql --patches 20000

The databases ``<prefix>_src`` and ``<prefix>_dst`` (``--db-prefix``,
default ``ps_imp_bench``) are dropped and created again. Results go to
``bench/results/import-<time>.json``. Numbers depend on the machine; run it
on an otherwise idle one.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import PYTHON, REPO, RESULTS, drop_database, log, recreate_database

sys.path.insert(0, str(REPO))
from tests.importer import upstream

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
MYSQL_SERVER = "mysql://root@127.0.0.1:3306"

DIFF = "".join(
    f"--- a/drivers/net/file{n}.c\n+++ b/drivers/net/file{n}.c\n"
    f"@@ -{n},3 +{n},3 @@\n context\n-old line {n}\n+new line {n}\n context\n"
    for n in range(12)
)
CONTENT = "Fix the frobnicator so that it frobs. " * 12 + "\n\nSigned-off-by: A <a@b>\n"
REVIEW = "Reviewed-by: B <b@example.org>\n"
HEADERS = "Subject: [PATCH] x\nFrom: Someone <someone@example.org>\nX-Mailer: bench\n"


def with_database(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


# --- Generating the source ------------------------------------------------


class Generator:
    """INSERT ... SELECT statements that fill the source on the server."""

    def __init__(self, vendor: str, patches: int) -> None:
        self.vendor = vendor
        self.patches = patches
        self.people = max(patches // 20, 1)
        self.series = max(patches // 5, 1)
        self.comments = patches * 3 // 2
        if vendor == "postgresql":
            self.rows, self.i, self.div = (
                "FROM generate_series(1, {n}) AS g(i)",
                "i",
                "/",
            )
            self.number = "i::text"
            self.date = "timestamp '2015-01-01' + i * interval '{s} second'"
        else:
            self.rows, self.i, self.div = "FROM seq_1_to_{n} AS g", "seq", "DIV"
            self.number = "CAST(seq AS CHAR)"
            self.date = "DATE_ADD('2015-01-01', INTERVAL seq * {s} SECOND)"

    def cat(self, *parts: str) -> str:
        if self.vendor == "postgresql":
            return "(" + " || ".join(parts) + ")"
        return f"CONCAT({', '.join(parts)})"

    @staticmethod
    def lit(value: str) -> str:
        assert "\\" not in value
        return "'" + value.replace("'", "''") + "'"

    def msgid(self, prefix: str) -> str:
        return self.cat(self.lit(f"<{prefix}"), self.number, self.lit("@example.org>"))

    def statements(self) -> list[str]:
        return self.people_and_series() + self.mail() + self.results()

    def people_and_series(self) -> list[str]:
        i, lit, rows = self.i, self.lit, self.rows
        email = self.cat(lit("person"), self.number, lit("@example.org"))
        return [
            f"INSERT INTO patchwork_person (id, email, name, user_id) SELECT {i}, "
            f"{email}, {self.cat(lit('Person '), self.number)}, NULL "
            + rows.format(n=self.people),
            "INSERT INTO patchwork_series (id, name, date, version, total, project_id, "
            f"submitter_id, cover_letter_id) SELECT {i}, {lit('A series')}, "
            f"{self.date.format(s=300)}, 1, 5, 1, 1 + {i} % {self.people}, NULL "
            + rows.format(n=self.series),
            "INSERT INTO patchwork_seriesreference (id, msgid, project_id, series_id) "
            f"SELECT {i}, {self.msgid('s')}, 1, {i} " + rows.format(n=self.series),
        ]

    def mail(self) -> list[str]:
        i, lit, rows, div = self.i, self.lit, self.rows, self.div
        return [
            "INSERT INTO patchwork_patch (id, msgid, date, headers, content, "
            "submitter_id, name, project_id, diff, commit_ref, pull_url, archived, "
            "hash, number, delegate_id, series_id, state_id, related_id) "
            f"SELECT {i}, {self.msgid('p')}, {self.date.format(s=60)}, "
            f"{lit(HEADERS)}, {lit(CONTENT)}, 1 + {i} % {self.people}, "
            f"{lit('[1/5] Fix the frobnicator')}, 1, {lit(DIFF)}, NULL, NULL, "
            f"{i} % 3 = 0, md5({self.msgid('h')}), 1 + ({i} - 1) % 5, NULL, "
            f"1 + ({i} - 1) {div} 5, 1 + {i} % 3, NULL " + rows.format(n=self.patches),
            "INSERT INTO patchwork_patchcomment (id, msgid, date, headers, content, "
            f"submitter_id, patch_id, addressed) SELECT {i}, {self.msgid('c')}, "
            f"{self.date.format(s=61)}, {lit(HEADERS)}, {lit(REVIEW)}, "
            f"1 + {i} % {self.people}, 1 + ({i} - 1) % {self.patches}, NULL "
            + rows.format(n=self.comments),
        ]

    def results(self) -> list[str]:
        i, lit, rows, div = self.i, self.lit, self.rows, self.div
        return [
            "INSERT INTO patchwork_patchtag (id, count, patch_id, tag_id) "
            f"SELECT {i}, 1, {i}, 1 " + rows.format(n=self.patches),
            "INSERT INTO patchwork_check (id, date, state, target_url, description, "
            f"context, user_id, patch_id) SELECT {i}, {self.date.format(s=62)}, "
            f"{i} % 4, {lit('https://ci.example.org/run')}, {lit('build and boot')}, "
            f"{lit('ci')}, 1, {i} " + rows.format(n=self.patches),
            "INSERT INTO patchwork_event (id, category, date, actor_id, project_id, "
            f"patch_id, created_check_id) SELECT {i}, CASE WHEN {i} % 2 = 0 "
            f"THEN {lit('check-created')} ELSE {lit('patch-created')} END, "
            f"{self.date.format(s=30)}, NULL, 1, 1 + ({i} - 1) {div} 2, "
            f"CASE WHEN {i} % 2 = 0 THEN {i} {div} 2 ELSE NULL END "
            + rows.format(n=self.patches * 2),
        ]


def fixed_rows() -> dict[str, list[dict]]:
    return {
        "auth_user": [{
            "id": 1, "password": "!", "last_login": None, "is_superuser": False,
            "username": "ci", "first_name": "", "last_name": "",
            "email": "ci@example.org",
            "is_staff": False, "is_active": True, "date_joined": "2015-01-01 00:00:00",
        }],
        "patchwork_project": [{
            "id": 1, "linkname": "bench", "name": "Bench",
            "listid": "bench.example.org",
            "listemail": "bench@example.org", "subject_match": "", "web_url": "",
            "scm_url": "", "webscm_url": "", "list_archive_url": "",
            "list_archive_url_format": "", "commit_url_format": "",
            "send_notifications": False, "use_tags": True, "show_dependencies": False,
        }],
        "patchwork_state": [
            {"id": n, "name": name, "slug": name.lower(), "ordering": n - 1,
             "action_required": n == 1}
            for n, name in ((1, "New"), (2, "Accepted"), (3, "Rejected"))
        ],
        "patchwork_tag": [{"id": 1, "name": "Reviewed-by", "pattern": "^Reviewed-by:",
                           "abbrev": "R", "show_column": True}],
    }  # fmt: skip


def build_source(vendor: str, url: str, patches: int) -> None:
    from tests.importer.conftest import SERVERS, execute, insert_rows
    from tests.importer.migrations import MIGRATIONS_MAIN

    server = SERVERS[vendor]
    conn = server.connect(url)
    try:
        for statement in upstream.ddl("main", vendor, server.quote):
            execute(server, conn, statement)
        insert_rows(server, conn, "django_migrations", [
            {"app": app, "name": name, "applied": "2020-01-01 00:00:00"}
            for app, name in MIGRATIONS_MAIN
        ])  # fmt: skip
        for table, rows in fixed_rows().items():
            insert_rows(server, conn, table, rows)
        for statement in Generator(vendor, patches).statements():
            log(statement.split("(")[0])
            execute(server, conn, statement)
        if vendor == "postgresql":
            execute(server, conn, "ANALYZE")
    finally:
        conn.close()


# --- Running the import ---------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    src_name, dst_name = f"{args.db_prefix}_src", f"{args.db_prefix}_dst"
    from tests.importer.conftest import SERVERS

    server = SERVERS[args.source]
    source_url = server.create(src_name)
    log(f"building the source: {args.patches:,} patches ({args.source})")
    started = time.monotonic()
    build_source(args.source, source_url, args.patches)
    log(f"source built in {time.monotonic() - started:.0f} s")

    env = dict(os.environ, LOG_LEVEL="ERROR")
    env["DJANGO_SECRET_KEY"] = "benchmark-only"  # noqa: S105 (throwaway database)
    if args.target == "postgresql":
        target_url = with_database(args.pg_server, dst_name)
        recreate_database(target_url)
        env["DATABASE_URL"] = target_url
    else:
        data = REPO / "bench" / "results" / "import-sqlite"
        data.mkdir(parents=True, exist_ok=True)
        (data / "patchserver.sqlite3").unlink(missing_ok=True)
        env.pop("DATABASE_URL", None)
        env["PATCHSERVER_DATA_DIR"] = str(data)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True
    )
    command = [
        PYTHON,
        "manage.py",
        "importpatchwork",
        source_url,
        "--source-time-zone",
        "UTC",
    ]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    log("importing")
    started = time.monotonic()
    output = subprocess.run(
        command, cwd=REPO, env=env, check=True, capture_output=True, text=True
    ).stdout
    wall = time.monotonic() - started
    print(output)
    rows, seconds, _ = re.search(
        r"([\d,]+) rows in ([\d.]+) s \(([\d,]+) rows/s\)", output
    ).groups()
    rows = int(rows.replace(",", ""))
    if not args.keep:
        server.drop(src_name)
        if args.target == "postgresql":
            drop_database(with_database(args.pg_server, dst_name))
    return {
        "source": args.source, "target": args.target, "patches": args.patches,
        "rows": rows, "import_seconds": float(seconds),
        "command_seconds": round(wall, 1),
        "rows_per_second": round(rows / float(seconds)),
        "rows_per_second_whole_command": round(rows / wall),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patches", type=int, default=100_000)
    parser.add_argument(
        "--source", choices=["postgresql", "mysql"], default="postgresql"
    )
    parser.add_argument(
        "--target", choices=["postgresql", "sqlite"], default="postgresql"
    )
    parser.add_argument("--pg-server", default=PG_SERVER)
    parser.add_argument("--db-prefix", default="ps_imp_bench")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    result = run(args)
    log(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"import-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    log(f"written to {path}")


if __name__ == "__main__":
    main()
