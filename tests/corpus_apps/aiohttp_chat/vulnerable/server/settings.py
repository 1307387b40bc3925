import os
from pathlib import Path

DATABASE = os.environ.get("CHAT_DATABASE", "chat.sqlite3")
MEDIA_ROOT = Path(os.environ.get("CHAT_MEDIA", "/srv/chat/media"))
UPLOAD_ROOT = MEDIA_ROOT / "uploads"
TEMPLATES = Path(__file__).resolve().parent / "templates"
COOKIE_KEY = b"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo="
AVATAR_CDN = "https://avatars.chat.example.com/v2/render"
SENTRY_DSN = os.environ.get("CHAT_SENTRY_DSN", "")
