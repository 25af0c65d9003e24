#!/bin/sh
# Store every mail of mbox files or Maildir folders (`manage.py parsearchive`),
# with the same environment as parsemail.sh; the exit status is passed through.
set -u
. "$(dirname "$0")/interpreter.sh"
exec "$python" "$root/manage.py" parsearchive "$@"
