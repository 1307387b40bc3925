"""Data access objects: every SQL statement of the application lives here."""
