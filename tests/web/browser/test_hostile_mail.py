"""Acceptance 3: hostile mail, ingested like any other, is shown as text.

The mails put the full payload set of ``tests/hostile.py`` (element text,
quoted and unquoted attributes, URLs, JavaScript strings) in every field a
page shows: subject, author name, Message-ID, body, diff, header values, a
reply and a cover letter. A browser then opens every page that shows them,
focuses and hovers what it can and uses the copy buttons; nothing may run
(no dialog, no flag set by a payload, no element carrying an ``on*``
attribute, no script but ours) and the payloads must be visible as text.
"""

from email.header import Header

import pytest
from playwright.sync_api import expect

from apps.ingest.services import ingest_message
from apps.patches import links
from apps.patches.models import Cover, Patch
from tests.factories import BundleFactory, ProjectFactory, UserFactory
from tests.hostile import ALL
from tests.web.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


LIST_ID = "hostile.lists.example.org"

# Each payload that runs would call alert() or set window.pwned.
SUBJECT_PAYLOAD = ALL.replace("\u2028", " ")
# The subject travels RFC 2047-encoded, so that any character reaches us;
# names are cut to 255 characters, so pages are checked for its start.
SHOWN_SUBJECT = SUBJECT_PAYLOAD[:200]
ENCODED_SUBJECT = Header(SUBJECT_PAYLOAD, "utf-8").encode(maxlinelen=998)
# Names cannot hold "<" (the From header would not parse, upstream too), so
# this one tries to break out of attributes and smuggle an entity instead.
NAME_PAYLOAD = 'Mallory &lt;b&gt; " onmouseover="alert(2)" \' onfocus=\'alert(2)'
# The name travels RFC 2047-encoded, as a mailer sends such a name.
ENCODED_NAME = Header(NAME_PAYLOAD, "utf-8").encode(maxlinelen=998)
BODY_PAYLOAD = (
    '<script>alert(3)</script>\n"><img src=x onerror="window.pwned=2">\n'
    'http://evil.example/"onmouseover="alert(4)\n'
    "javascript:alert(5)\n" + ALL.replace("\u2028", "\n") + "\n"
)
DIFF_PAYLOAD = "+<script>alert(6)</script><iframe src=javascript:alert(7)>"
HEADER_PAYLOAD = "<script>alert(8)</script><body onload=alert(9)>"

COVER = f"""\
From: {ENCODED_NAME} <mallory@evil.example>
To: hostile@lists.example.org
Subject: [PATCH 0/1] cover {ENCODED_SUBJECT}
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-Id: <cover-'onmouseover=alert(10)'@evil.example>
List-Id: <{LIST_ID}>
X-Evil: {HEADER_PAYLOAD}

Cover text {BODY_PAYLOAD}
"""

PATCH = f"""\
From: {ENCODED_NAME} <mallory@evil.example>
To: hostile@lists.example.org
Subject: [PATCH 1/1] {ENCODED_SUBJECT}
Date: Mon, 1 Jan 2024 10:01:00 +0000
Message-Id: <patch/"onmouseover=alert(11)"@evil.example>
In-Reply-To: <cover-'onmouseover=alert(10)'@evil.example>
References: <cover-'onmouseover=alert(10)'@evil.example>
List-Id: <{LIST_ID}>
X-Evil: {HEADER_PAYLOAD}

Patch text {BODY_PAYLOAD}
Signed-off-by: {NAME_PAYLOAD} <mallory@evil.example>
---
diff --git a/x.html b/x.html
index 1111111..2222222 100644
--- a/x.html
+++ b/x.html
@@ -1 +1,2 @@ <script>alert(12)</script>
 hello
{DIFF_PAYLOAD}
"""

REPLY = f"""\
From: {ENCODED_NAME} <eve@evil.example>
To: hostile@lists.example.org
Subject: Re: [PATCH 1/1] {ENCODED_SUBJECT}
Date: Mon, 1 Jan 2024 11:00:00 +0000
Message-Id: <reply-1@evil.example>
In-Reply-To: <patch/"onmouseover=alert(11)"@evil.example>
References: <patch/"onmouseover=alert(11)"@evil.example>
List-Id: <{LIST_ID}>

Reply text {BODY_PAYLOAD}
Acked-by: {NAME_PAYLOAD} <eve@evil.example>
"""

# Attributes whose presence would let mail content act in the page.
FIND_ACTIVE_CONTENT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const where = el.tagName + ' ' + attr.name;
      if (attr.name.startsWith('on')) found.push(where);
      if (/^\\s*javascript:/i.test(attr.value)) found.push(where);
    }
  }
  // Ours and the browsable API's bundled files; its settings are JSON data.
  for (const s of document.querySelectorAll('script')) {
    if (s.type === 'application/json') continue;
    const own = s.src && new URL(s.src).pathname.startsWith('/static/');
    if (!own) found.push('SCRIPT ' + (s.src || s.textContent.slice(0, 40)));
  }
  for (const tag of ['iframe', 'svg image', 'body img', 'object', 'embed']) {
    if (document.querySelector(tag)) found.push(tag);
  }
  return found;
}"""


@pytest.fixture
def hostile(db):
    maintainer = UserFactory(username="maint")
    project = ProjectFactory(
        linkname="hostile",
        listid=LIST_ID,
        maintainers=[maintainer],
        list_archive_url_format="https://lore.example.org/r/{}",
    )
    ProjectFactory(linkname="other")
    for mail in (COVER, PATCH, REPLY):
        result = ingest_message(mail.encode(), list_id=LIST_ID)
        assert result.outcome.stored, result.describe()
    patch = Patch.objects.get(project=project)
    cover = Cover.objects.get(project=project)
    assert patch.comments.count() == 1
    BundleFactory(owner=maintainer, project=project, public=True, patches=[patch])
    Patch.objects.filter(pk=patch.pk).update(delegate=maintainer)  # for the todo list
    return project, patch, cover


def poke(page):
    """Focus and hover every element a payload could have put a handler on."""
    page.evaluate(
        """() => { for (const el of document.querySelectorAll('a, button, input, td')) {
             el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
             if (el.focus) { el.focus(); }
           } }"""
    )


def assert_inert(page):
    poke(page)
    assert page.evaluate("() => window.pwned") is None
    assert page.evaluate(FIND_ACTIVE_CONTENT) == []
    assert not page.js_errors, page.js_errors


def test_hostile_mail_is_shown_as_text(live_server, new_page, hostile):
    project, patch, cover = hostile
    base = live_server.url
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    log_in(page, base, "maint")
    page.goto(f"{base}/project/{project.linkname}/list/")
    row = page.locator(f"tr[data-patch-id='{patch.pk}']")
    expect(row.locator("td.name")).to_contain_text("<script>pwned=1</script>")
    expect(row.locator("td.submitter")).to_contain_text(NAME_PAYLOAD)
    row.hover()
    assert_inert(page)

    page.goto(f"{base}{links.patch_web_path(patch)}")
    expect(page.locator("h1")).to_contain_text(SHOWN_SUBJECT)
    expect(page.locator(".msgid")).to_have_text(patch.msgid.strip("<>"))
    page.click(".meta-row:has(dt:text('Headers')) summary")
    expect(page.locator("pre.headers")).to_contain_text(f"X-Evil: {HEADER_PAYLOAD}")
    page.click(".series-toggle .toggle-label")
    content = page.locator("pre.content").first
    expect(content).to_contain_text("<script>alert(3)</script>")
    expect(content).to_contain_text("javascript:alert(5)")
    expect(page.locator("pre.diff")).to_contain_text(DIFF_PAYLOAD)
    expect(page.locator(".comment pre.content")).to_contain_text("Reply text <script>")
    for link in page.locator("main a:visible").all():
        link.hover()
    assert_inert(page)

    page.goto(f"{base}{links.cover_web_path(cover)}")
    expect(page.locator("h1")).to_contain_text(SHOWN_SUBJECT)
    expect(page.locator("pre.content").first).to_contain_text("Cover text <script>")
    assert_inert(page)

    page.goto(f"{base}/project/{project.linkname}/list/?q=<script>alert(13)</script>")
    expect(page.locator(".filter-summary")).to_contain_text(
        "<script>alert(13)</script>"
    )
    assert_inert(page)

    page.goto(f"{base}/bundle/maint/{patch.bundle_set.get().name}/")
    assert_inert(page)

    # Every other page that shows mail text, as the maintainer sees it.
    for path in (
        f"/user/todo/{project.linkname}/",
        "/user/bundles/",
        f"/project/{project.linkname}/bundles/",
        f"/project/{project.linkname}/list/?submitter={patch.submitter_id}",
        f"/api/patches/{patch.pk}/?format=api",
        f"/api/covers/{cover.pk}/?format=api",
        f"/api/patches/{patch.pk}/comments/?format=api",
        "/api/series/?format=api",
        "/api/events/?format=api",
    ):
        page.goto(f"{base}{path}")
        assert page.locator("body").inner_text(), path
        assert_inert(page)

    # The copy button hands the Message-ID to our JavaScript as a string.
    page.goto(f"{base}{links.patch_web_path(patch)}")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("button[title='Copy the Message-ID']")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == patch.msgid.strip("<>")
    assert_inert(page)
    assert dialogs == []
