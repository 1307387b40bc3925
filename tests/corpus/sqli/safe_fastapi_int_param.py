import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    conn = sqlite3.connect("items.db")
    row = conn.execute(f"SELECT id, title FROM items WHERE id = {item_id}").fetchone()
    return {"id": row[0], "title": row[1], "q": q}
