"""Text helpers: escaping and Markdown."""

import bleach
import markdown

ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "table", "tr", "td", "th"}


def escape_html(value):
    """Escape a value for an HTML text node or a quoted attribute."""
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def render_markdown(text):
    return bleach.clean(markdown.markdown(text, extensions=["fenced_code", "tables"]), tags=ALLOWED_TAGS)
