import hashlib
import time

from django.core.mail import send_mail


def send_reset(user):
    token = hashlib.sha1(f"{user.email}{time.time()}".encode()).hexdigest()
    user.reset_token = token
    user.save()
    send_mail("Reset", f"https://example.com/reset/{token}", None, [user.email])
