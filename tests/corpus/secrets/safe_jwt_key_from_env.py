import datetime
import os

import jwt

SIGNING_KEY = os.environ["JWT_SIGNING_KEY"]


def issue_token(user_id: int) -> str:
    payload = {"sub": user_id, "exp": datetime.datetime.utcnow() + datetime.timedelta(hours=1)}
    return jwt.encode(payload, SIGNING_KEY, algorithm="HS256")
