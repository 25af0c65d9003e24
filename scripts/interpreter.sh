# Sourced by the mail scripts: sets $root (the checkout) and $python, the
# interpreter: $PATCHSERVER_PYTHON (or Patchwork's $PW_PYTHON), else the
# checkout's .venv, else python3.
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PATCHSERVER_PYTHON:-${PW_PYTHON:-}}
if [ -z "$python" ]; then
    if [ -x "$root/.venv/bin/python" ]; then
        python=$root/.venv/bin/python
    else
        python=python3
    fi
fi
