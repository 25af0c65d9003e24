"""The structs XML-RPC clients receive, shaped exactly as upstream's.

Some values are sent as XML-RPC ``<base64>`` (bytes here), as upstream
does; pwclient decodes them. ``None`` never appears: the protocol as
upstream speaks it cannot carry it.
"""

from apps.checks.models import Check
from apps.patches.mbox import download_filename


def _b64(text: str) -> bytes:
    return text.encode("utf-8")


def _date(value) -> str:
    fmt = "%Y-%m-%d %H:%M:%S.%f" if value.microsecond else "%Y-%m-%d %H:%M:%S"
    return value.strftime(fmt)


def project_struct(project) -> dict:
    return {"id": project.pk, "linkname": project.linkname, "name": project.name}


def person_struct(person) -> dict:
    return {
        "id": person.pk,
        "email": person.email,
        "name": person.name or person.email,
        "user": _b64(person.user.username if person.user_id else "None"),
    }


def patch_struct(patch) -> dict:
    submitter = patch.submitter
    return {
        "id": patch.pk,
        "date": _b64(_date(patch.date)),
        "filename": download_filename(patch.name),
        "msgid": patch.msgid,
        "name": patch.name,
        "project": _b64(patch.project.name),
        "project_id": patch.project_id,
        "state": _b64(patch.state.name),
        "state_id": patch.state_id,
        "archived": patch.archived,
        "submitter": _b64(
            f"{submitter.name} <{submitter.email}>"
            if submitter.name
            else submitter.email
        ),
        "submitter_id": submitter.pk,
        "delegate": _b64(patch.delegate.username if patch.delegate_id else "None"),
        "delegate_id": patch.delegate_id or 0,
        "commit_ref": patch.commit_ref or "",
        "hash": patch.hash or "",
    }


def state_struct(state) -> dict:
    return {"id": state.pk, "name": state.name}


def check_struct(check) -> dict:
    return {
        "id": check.pk,
        "date": _b64(_date(check.date)),
        "patch": _b64(check.patch.name),
        "patch_id": check.patch_id,
        "user": _b64(check.user.username),
        "user_id": check.user_id,
        "state": Check.State(check.state).label,
        # Upstream faults on null; an empty string is what clients can show.
        "target_url": check.target_url or "",
        "description": check.description or "",
        "context": check.context,
    }
