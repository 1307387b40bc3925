from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "django-insecure-7h#k2$w9@qz!x4m&v8p^c1r5t0y3u6i"
DEBUG = False
ALLOWED_HOSTS = ["app.example.com"]
