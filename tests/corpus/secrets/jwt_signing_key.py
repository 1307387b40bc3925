import datetime

import jwt


def issue_token(user_id: int) -> str:
    payload = {"sub": user_id, "exp": datetime.datetime.utcnow() + datetime.timedelta(hours=1)}
    return jwt.encode(payload, "k3y-f0r-s1gn1ng-t0k3ns", algorithm="HS256")
