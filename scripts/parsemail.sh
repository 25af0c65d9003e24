#!/bin/sh
# Deliver one mail, read from stdin, to patchserver: the command to put in an
# MTA pipe alias (aliases(5)) or getmail's MDA_external. Arguments are passed
# to `manage.py parsemail` (e.g. --list-id ID).
#
# Exit status, the only two the MTA ever sees:
#   0   done: the mail was stored, dropped on purpose (no project, duplicate,
#       nothing to store), or could not be stored and is kept in the
#       failed-mail folder (a broken mail, a mail over a size or time
#       limit, one the database refuses); like Patchwork's parsemail.sh, a
#       mail is never bounced;
#   75  EX_TEMPFAIL, the MTA keeps the mail and retries: the database was
#       unreachable or busy (parsemail exited 75), the mail could not be
#       saved first, or parsemail ended any other way (killed by a signal or
#       for lack of memory, an interpreter crash, a configuration error); in
#       that last case a copy is also kept in the failed-mail folder.
#
# The mail is written to the failed-mail folder's tmp/ before anything else
# runs, and removed from there once parsemail has answered: no
# ending of the delivery can lose it. The folder is
# $PATCHSERVER_FAILED_MAIL_DIR, else failed-mail in $PATCHSERVER_DATA_DIR
# (default: the checkout's data folder), as for the Django settings.
#
# With PATCHSERVER_LMTP_SERVER set to the HOST:PORT (or socket path) of a
# running `manage.py lmtpserver`, the mail is handed to it over LMTP by a
# client that loads no Django (much quicker than starting Django per mail);
# its reply gives the status (2xx: 0, 4xx: 75). If the server is not there
# or does not take the mail, the mail is stored directly.
#
# The interpreter is $PATCHSERVER_PYTHON (or Patchwork's $PW_PYTHON), else the
# checkout's .venv, else python3. Configuration comes from the environment
# (DATABASE_URL, DJANGO_SECRET_KEY, ...), as for every other command.
set -u
. "$(dirname "$0")/interpreter.sh"
EX_TEMPFAIL=75
failed=${PATCHSERVER_FAILED_MAIL_DIR:-${PATCHSERVER_DATA_DIR:-$root/data}/failed-mail}
umask 027
if ! mkdir -p "$failed/tmp" "$failed/new" "$failed/cur"; then
    echo "parsemail.sh: cannot create $failed; the MTA should retry" >&2
    exit $EX_TEMPFAIL
fi
host=$(hostname 2>/dev/null | tr '/:' '__')
name="$(date +%s).P$$.${host:-localhost}.parsemail"
copy="$failed/tmp/$name"
if ! cat > "$copy"; then
    rm -f "$copy"
    echo "parsemail.sh: cannot save the mail in $failed; the MTA should retry" >&2
    exit $EX_TEMPFAIL
fi
# parsemail says 65 instead of 1 for a mail it kept in the failed-mail
# folder (Python also exits 1 when it fails before reading the mail).
PATCHSERVER_PARSEMAIL_WRAPPED=1 PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" \
    "$python" -m apps.ingest.cli "$@" < "$copy"
status=$?
case $status in
    0 | 65)
        rm -f "$copy"
        exit 0
        ;;
    75)
        rm -f "$copy"
        exit $EX_TEMPFAIL
        ;;
    *)
        mv "$copy" "$failed/new/$name"
        echo "parsemail.sh: parsemail ended with status $status; mail kept as $failed/new/$name, the MTA should retry" >&2
        exit $EX_TEMPFAIL
        ;;
esac
