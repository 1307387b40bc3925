"""The JSON API used by the editor."""
