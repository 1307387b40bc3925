"""Sidebar widgets: small HTML fragments the page loads one by one."""

from notes.dao.notes import NoteDAO
from notes.utils.text import escape_html


def recent_notes(user_id):
    rows = NoteDAO.search(user_id, "", "created_at")[:5]
    items = "".join(f"<li><a href='/notes/{row['id']}'>{escape_html(row['title'])}</a></li>" for row in rows)
    return f"<ul class='recent'>{items}</ul>"


def note_count(user_id):
    return f"<p class='count'>{len(NoteDAO.search(user_id, '', 'created_at'))} notes</p>"


WIDGETS = {"recent": recent_notes, "count": note_count}


def find_widget(name):
    """The function rendering the widget called `name`, or None."""
    return WIDGETS.get(name)
