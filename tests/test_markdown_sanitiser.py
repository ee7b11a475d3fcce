"""Article and page Markdown is rendered, then sanitised: hostile input never reaches a reader as live HTML."""

import pytest

from content.rendering import render_markdown

from .content_factories import ArticleFactory

HOSTILE = [
    # (markdown, text that must not survive)
    ("<script>alert('x')</script>Hello", "<script"),
    ("<script>alert('x')</script>Hello", "alert("),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ('<a href="#" onclick="steal()">click</a>', "onclick"),
    ('<svg onload="alert(1)"><circle/></svg>', "onload"),
    ("[click me](javascript:alert(1))", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">mixed case</a>', "javascript:"),
    ('<a href="&#106;avascript:alert(1)">entity</a>', "avascript:"),
    ("[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data:"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', "data:"),
    ('<iframe src="https://example.org/evil"></iframe>', "<iframe"),
    ('<iframe src="https://example.org/evil"></iframe>', "example.org/evil"),
    ('<p style="position:fixed;top:0">overlay</p>', "style="),
    ("<style>body{display:none}</style>", "display:none"),
    ('<form action="https://evil.example"><input name="pw"></form>', "<form"),
    ('<object data="x.swf"></object><embed src="x.swf">', "x.swf"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "http-equiv"),
]


@pytest.mark.parametrize(("markdown", "forbidden"), HOSTILE)
def test_hostile_markdown_is_neutralised(markdown, forbidden):
    html = str(render_markdown(markdown)).lower()
    assert forbidden.lower() not in html


def test_text_around_a_script_survives_but_the_script_does_not():
    html = str(render_markdown("Before <script>alert(1)</script> after"))
    assert "Before" in html and "after" in html and "alert" not in html


def test_ordinary_markdown_keeps_its_formatting():
    html = str(render_markdown("## Iron\n\n- **heme** iron\n- *non-heme* iron\n\n[ODS](https://ods.od.nih.gov/)"))
    assert "<h2>Iron</h2>" in html
    assert "<li><strong>heme</strong> iron</li>" in html
    assert "<em>non-heme</em>" in html
    assert '<a href="https://ods.od.nih.gov/" rel="noopener noreferrer">ODS</a>' in html


def test_tables_and_mailto_links_are_allowed():
    html = str(render_markdown("| Food | Iron |\n|---|---|\n| Lentils | 3.3 |\n\n<mailto:editor@example.org>"))
    assert "<table>" in html and "<td>Lentils</td>" in html
    assert "mailto:" in html


@pytest.mark.django_db
def test_hostile_article_body_is_sanitised_on_the_public_page(client):
    ArticleFactory(
        slug="hostile",
        body='Safe text.\n\n<script>document.cookie</script>\n\n<img src=x onerror="alert(1)">\n\n'
        "[bad](javascript:alert(1)) <iframe src='https://evil.example'></iframe>",
    )
    body = client.get("/learn/hostile/").content.decode()
    article = body[body.index("<article") : body.index("</article>")]
    assert "Safe text." in article
    for forbidden in ["<script", "document.cookie", "onerror", "javascript:", "<iframe", "evil.example"]:
        assert forbidden not in article, forbidden
