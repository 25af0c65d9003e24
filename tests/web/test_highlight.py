"""Colouring of message bodies and diffs escapes the mail text first."""

from apps.web.highlight import diff_html, message_html


def test_tag_lines_quotes_and_links():
    html = message_html(
        "Intro <b>bold</b>\n"
        "> quoted & more\n"
        "  Signed-off-by: A <a@example.org>\n"
        "Acked-by: B <b@example.org>\n"
        "See https://example.org/x?a=1&b=2. and git://git.example.org/r.git\n"
        "javascript:alert(1) and ftp://ftp.example.org/f"
    )
    lines = html.split("\n")
    assert lines[0] == "Intro &lt;b&gt;bold&lt;/b&gt;"
    assert lines[1] == '<span class="quote">&gt; quoted &amp; more</span>'
    assert lines[2] == (
        '<span class="tag-line signed-off-by">  Signed-off-by: A '
        "&lt;a@example.org&gt;</span>"
    )
    assert lines[3].startswith('<span class="tag-line acked-by">')
    assert lines[4] == (
        'See <a href="https://example.org/x?a=1&amp;b=2" rel="nofollow">'
        "https://example.org/x?a=1&amp;b=2</a>. and "
        '<a href="git://git.example.org/r.git" rel="nofollow">'
        "git://git.example.org/r.git</a>"
    )
    assert "javascript:alert(1)" in lines[5]
    assert 'href="javascript' not in html


def test_urls_cannot_break_out_of_the_attribute():
    html = message_html('http://x.org/"onmouseover="alert(1) <script>')
    assert '"onmouseover' not in html
    assert "<script>" not in html
    assert '<a href="http://x.org/" rel="nofollow">http://x.org/</a>' in html


def test_diff_lines():
    html = diff_html(
        "diff --git a/f b/f\n"
        "--- a/f\n"
        "+++ b/f\n"
        "@@ -1,2 +1,2 @@ int main(<void>)\n"
        " context\n"
        "-old <script>\n"
        "+new & improved\n"
        "! changed\n"
    )
    assert html.split("\n") == [
        '<span class="diff-file">diff --git a/f b/f</span>',
        '<span class="diff-file">--- a/f</span>',
        '<span class="diff-file">+++ b/f</span>',
        '<span class="diff-hunk">@@ -1,2 +1,2 @@</span>'
        '<span class="diff-hunk-context"> int main(&lt;void&gt;)</span>',
        " context",
        '<span class="diff-del">-old &lt;script&gt;</span>',
        '<span class="diff-add">+new &amp; improved</span>',
        '<span class="diff-change">! changed</span>',
    ]


def test_empty_bodies():
    assert message_html(None) == ""
    assert diff_html("") == ""
