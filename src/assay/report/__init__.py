"""Rendering for people: terminal text, Markdown and HTML reports."""
