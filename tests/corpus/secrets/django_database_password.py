DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop_app",
        "PASSWORD": "Sh0p-Pr0d-2024!",
        "HOST": "db.internal",
        "PORT": "5432",
    }
}
