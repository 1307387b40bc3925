"""Default settings; the deployment overrides them with NOTES_* environment variables."""

import os

SECRET_KEY = "c1d6f0a4b9e2734d8a5f1e06b3c7d92a"
DATABASE = os.environ.get("NOTES_DATABASE", "notes.sqlite3")
UPLOAD_FOLDER = os.environ.get("NOTES_UPLOADS", "/var/lib/notes/uploads")
THUMBNAIL_FOLDER = os.environ.get("NOTES_THUMBNAILS", "/var/lib/notes/thumbnails")
ARCHIVE_FOLDER = os.environ.get("NOTES_ARCHIVE", "/var/lib/notes/archive")
EXPORT_FOLDER = os.environ.get("NOTES_EXPORTS", "/var/lib/notes/exports")

STRIPE_API_KEY = "sk_live_51OqZ3vK8dT2yR7mWcX4pLb9NfH6sJ1aQeU0gVtYzK3rM5nB8hD2wE7xC4vF9jG"
SMTP_HOST = os.environ.get("NOTES_SMTP_HOST", "localhost")
SMTP_PASSWORD = os.environ.get("NOTES_SMTP_PASSWORD", "changeme")
AUTH_TOKEN_URL = "/api/auth/token"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
MAX_CONTENT_LENGTH = 16 * 1024 * 1024
