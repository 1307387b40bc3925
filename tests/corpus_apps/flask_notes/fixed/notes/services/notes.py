"""Searching and rendering notes."""

from notes.dao.notes import NoteDAO
from notes.utils.text import render_markdown


def search_notes(user_id, term, order="created_at"):
    return NoteDAO.search(user_id, term, order)


def notes_tagged(tag):
    return NoteDAO.by_tag(tag)


def note_with_html(note_id):
    note = NoteDAO.get(note_id)
    if note is None:
        return None, None
    return note, render_markdown(note["body"])
