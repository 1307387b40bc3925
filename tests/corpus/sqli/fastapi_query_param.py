import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def list_items(owner: str, limit: int = 20):
    conn = sqlite3.connect("items.db")
    sql = f"SELECT id, title FROM items WHERE owner = '{owner}' LIMIT {limit}"
    rows = conn.execute(sql).fetchall()
    return [{"id": r[0], "title": r[1]} for r in rows]
