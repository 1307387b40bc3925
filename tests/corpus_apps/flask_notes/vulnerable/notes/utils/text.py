"""Text helpers: escaping and Markdown."""

import markdown


def escape_html(value):
    """Escape a value for an HTML text node or a quoted attribute."""
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def render_markdown(text):
    return markdown.markdown(text, extensions=["fenced_code", "tables"])
