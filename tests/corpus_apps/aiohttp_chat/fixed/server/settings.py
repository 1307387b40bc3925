import base64
import os
from pathlib import Path

DATABASE = os.environ.get("CHAT_DATABASE", "chat.sqlite3")
MEDIA_ROOT = Path(os.environ.get("CHAT_MEDIA", "/srv/chat/media"))
UPLOAD_ROOT = MEDIA_ROOT / "uploads"
TEMPLATES = Path(__file__).resolve().parent / "templates"
COOKIE_KEY = base64.urlsafe_b64decode(os.environ["CHAT_COOKIE_KEY"])
AVATAR_CDN = "https://avatars.chat.example.com/v2/render"
SENTRY_DSN = os.environ.get("CHAT_SENTRY_DSN", "")
AVATAR_HOSTS = {"gravatar.com", "www.gravatar.com", "avatars.githubusercontent.com"}
