#!/bin/sh
# Deliver one mail, read from stdin, to patchserver: the command to put in an
# MTA pipe alias (aliases(5)) or getmail's MDA_external. Arguments are passed
# to `manage.py parsemail` (e.g. --list-id ID).
#
# Like Patchwork's parsemail.sh, this exits 0 whatever became of the mail, so
# the MTA never bounces it; a mail that could not be stored is kept in the
# failed-mail folder instead. The one exception is 75 (EX_TEMPFAIL: database
# unreachable or busy), passed through so the MTA keeps the mail and retries.
#
# With PATCHSERVER_INGEST_SOCKET set to the socket of a running
# `manage.py ingestserver`, the mail is handed to that warm process (much
# quicker than starting Django per mail); if it does not answer, the mail is
# stored directly.
#
# The interpreter is $PATCHSERVER_PYTHON (or Patchwork's $PW_PYTHON), else the
# checkout's .venv, else python3. Configuration comes from the environment
# (DATABASE_URL, DJANGO_SECRET_KEY, ...), as for every other command.
set -u
. "$(dirname "$0")/interpreter.sh"
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" "$python" -m apps.ingest.cli "$@"
status=$?
if [ "$status" -eq 75 ]; then
    exit 75
fi
exit 0
