import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.put("/profile")
def update_profile():
    payload = request.get_json()
    bio = payload.get("bio", "")
    user_id = int(payload["id"])
    conn = sqlite3.connect("app.db")
    conn.executescript(f"UPDATE profiles SET bio = '{bio}' WHERE user_id = {user_id};")
    conn.commit()
    return {"ok": True}
