"""Template helpers for the web pages (links, names, colouring)."""

from django import template

from apps import stored_urls
from apps.checks.models import Check
from apps.patches import links
from apps.web import highlight, rows

register = template.Library()


@register.filter
def message_html(text):
    return highlight.message_html(text)


@register.filter
def diff_html(text):
    return highlight.diff_html(text)


@register.filter
def link_url(url: str | None) -> str:
    """Return ``url`` if it is safe to link to, else an empty string."""
    return stored_urls.link_url(url)


@register.filter
def patch_url(patch) -> str:
    return links.patch_web_path(patch)


@register.filter
def patch_mbox_url(patch) -> str:
    return links.patch_mbox_path(patch)


@register.filter
def patch_raw_url(patch) -> str:
    return links.patch_raw_path(patch)


@register.filter
def cover_mbox_url(cover) -> str:
    return links.cover_mbox_path(cover)


@register.filter
def series_mbox_url(series) -> str:
    return links.series_mbox_path(series)


@register.filter
def bundle_url(bundle) -> str:
    return links.bundle_web_path(bundle)


@register.filter
def bundle_mbox_url(bundle) -> str:
    return links.bundle_mbox_path(bundle)


@register.filter
def comment_url(comment) -> str:
    return links.comment_web_path(comment)


@register.filter
def bare_msgid(msgid: str) -> str:
    return msgid.strip().removeprefix("<").removesuffix(">")


@register.filter
def person_name(person) -> str:
    """Return a submitter's name, or the address when the mail gave no name."""
    if person is None:
        return ""
    return person.name or person.email


@register.filter
def check_state_name(state: int) -> str:
    return Check.State(state).label


@register.filter
def state_class(state) -> str:
    """Return a CSS class for a patch state (by slug, so admins' states work)."""
    return f"state-{state.slug}" if state is not None else ""


@register.simple_tag(takes_context=True)
def patch_rows(context, patch_list, project, reorderable=False):
    """Render the list's rows (see ``apps.web.rows`` for why not a loop here)."""
    user = context["user"]
    return rows.patch_rows_html(
        patch_list.rows,
        rows.RowOptions(
            tags=patch_list.tags,
            use_tags=project.use_tags,
            selectable=user.is_authenticated,
            show_ids=bool(context.get("show_ids")),
            reorderable=bool(reorderable),
        ),
    )
