"""The MTA's way in: ``python -m apps.ingest.cli [INFILE] [--list-id ID]``.

What ``scripts/parsemail.sh`` runs, and what ``manage.py parsemail`` turns
into when ``PATCHSERVER_LMTP_SERVER`` is set (``from_manage_py``). Same
arguments and exit status as ``manage.py parsemail``, but quicker to start:
when ``PATCHSERVER_LMTP_SERVER`` names a running ``manage.py lmtpserver``
(``HOST:PORT`` or the path of its socket), the mail is handed to it over
LMTP without loading Django at all; otherwise (or when the server does not
take it) the mail is stored in this process, without Django's command
framework.
"""

import argparse
import os
import sys
from typing import NoReturn

from apps.ingest.lmtp_client import ServerUnavailable, deliver_via_lmtp

SERVER = "PATCHSERVER_LMTP_SERVER"

EX_FAILED = 1
# scripts/parsemail.sh sets WRAPPED: a mail kept in the failed-mail folder
# then exits EX_KEPT instead of 1, which Python also exits with when it
# fails before handling any mail (a missing module, a bad configuration),
# so the wrapper can tell "kept" from "lost" and keep its own copy.
WRAPPED = "PATCHSERVER_PARSEMAIL_WRAPPED"
EX_KEPT = 65  # sysexits.h EX_DATAERR


def _parser(*, strict: bool = True) -> argparse.ArgumentParser:
    """Return the argument parser; not ``strict``: no --help, errors raised."""
    parser = argparse.ArgumentParser(
        prog="parsemail",
        description="Store the patch, cover letter or comment contained in one mail.",
        add_help=strict,
        exit_on_error=strict,
    )
    parser.add_argument(
        "infile", nargs="?", help="file holding one mail (default: stdin)"
    )
    parser.add_argument("--list-id", help="store the mail in this list's project")
    # Accepted for compatibility with existing MTA configurations; no effect.
    parser.add_argument("-v", "--verbosity", type=int, choices=range(4), default=1)
    return parser


def from_manage_py(argv: list[str]) -> None:
    """Deliver as ``main`` does, for ``manage.py parsemail`` (its arguments).

    Returns, having read nothing, when the arguments are more than an MTA
    passes (Django's own options, ``--help``, a bad value): Django's command
    then runs as usual and reports them.
    """
    parser = _parser(strict=False)
    try:
        args, unknown = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return
    if not unknown:
        _deliver(args)


def main(argv: list[str] | None = None) -> NoReturn:
    _deliver(_parser().parse_args(argv))


def _deliver(args: argparse.Namespace) -> NoReturn:
    try:
        if args.infile:
            with open(args.infile, "rb") as handle:
                raw = handle.read()
        else:
            raw = sys.stdin.buffer.read()
    except OSError as exc:
        sys.stderr.write(f"parsemail: cannot read {args.infile}: {exc.strerror}\n")
        sys.exit(EX_FAILED)
    server = os.environ.get(SERVER)
    if server:
        try:
            status, reply = deliver_via_lmtp(server, raw, list_id=args.list_id)
        except ServerUnavailable as exc:
            sys.stderr.write(f"parsemail: {server} did not take the mail ({exc}); ")
            sys.stderr.write("storing the mail directly\n")
        else:
            sys.stderr.write(f"parsemail: {server} answered {reply}\n")
            sys.exit(_for_caller(status))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patchserver.settings")
    import django

    django.setup()
    from apps.ingest.delivery import deliver, fast_exit

    fast_exit(_for_caller(deliver(raw, list_id=args.list_id)))


def _for_caller(status: int) -> int:
    """Return the exit status in the form the caller expects (see WRAPPED)."""
    if status == EX_FAILED and os.environ.get(WRAPPED):
        return EX_KEPT
    return status


if __name__ == "__main__":
    main()
