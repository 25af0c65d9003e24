#!/bin/sh
# Store every mail of mbox files or Maildir folders (`manage.py parsearchive`),
# with the same environment as parsemail.sh; the exit status is passed through.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PATCHSERVER_PYTHON:-${PW_PYTHON:-}}
if [ -z "$python" ]; then
    if [ -x "$root/.venv/bin/python" ]; then
        python=$root/.venv/bin/python
    else
        python=python3
    fi
fi
exec "$python" "$root/manage.py" parsearchive "$@"
