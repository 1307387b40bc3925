"""Default settings; the deployment overrides them with NOTES_* environment variables."""

import os

SECRET_KEY = os.environ["NOTES_SECRET_KEY"]
DATABASE = os.environ.get("NOTES_DATABASE", "notes.sqlite3")
UPLOAD_FOLDER = os.environ.get("NOTES_UPLOADS", "/var/lib/notes/uploads")
THUMBNAIL_FOLDER = os.environ.get("NOTES_THUMBNAILS", "/var/lib/notes/thumbnails")
ARCHIVE_FOLDER = os.environ.get("NOTES_ARCHIVE", "/var/lib/notes/archive")
EXPORT_FOLDER = os.environ.get("NOTES_EXPORTS", "/var/lib/notes/exports")

STRIPE_API_KEY = os.environ.get("NOTES_STRIPE_API_KEY", "")
SMTP_HOST = os.environ.get("NOTES_SMTP_HOST", "localhost")
SMTP_PASSWORD = os.environ.get("NOTES_SMTP_PASSWORD", "changeme")
AUTH_TOKEN_URL = "/api/auth/token"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
MAX_CONTENT_LENGTH = 16 * 1024 * 1024
