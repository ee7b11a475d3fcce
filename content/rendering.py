"""Markdown to safe HTML for articles and site pages.

Markdown passes raw HTML through, so the output is sanitised with nh3 against an allow-list:
no scripts, styles, frames or forms, no event-handler or style attributes, and links only to
http, https or mailto (so no `javascript:` or `data:` URLs). Links get rel="noopener noreferrer".
"""

from __future__ import annotations

import hashlib

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Tags removed together with everything inside them.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

MARKDOWN_EXTENSIONS = ["tables", "sane_lists", "fenced_code"]


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> SafeString:
    """Editor-written Markdown as HTML that is safe to insert into a page."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return mark_safe(sanitise_html(html))  # noqa: S308 - sanitised by nh3 just above


def body_digest(text: str) -> str:
    """What a stored rendering was made from: a rendering is used only while its body's digest still matches."""
    return hashlib.md5((text or "").encode(), usedforsecurity=False).hexdigest()


class RenderedBody:
    """A model's `body` rendered once when the row is saved (`fill_rendered_body`, on every save, including
    loaddata's raw saves) and read back from `body_rendered`. The stored rendering is used only while
    `body_rendered_digest` matches the body, so a row changed without a save (a queryset update, a bulk create)
    is rendered on read, never shown stale."""

    @property
    def body_html(self) -> SafeString:
        if self.body_rendered_digest == body_digest(self.body):
            return mark_safe(self.body_rendered)  # noqa: S308 - rendered and sanitised by render_markdown
        return render_markdown(self.body)

    def fill_rendered_body(self) -> None:
        digest = body_digest(self.body)
        if self.body_rendered_digest != digest:
            self.body_rendered = str(render_markdown(self.body))
            self.body_rendered_digest = digest
