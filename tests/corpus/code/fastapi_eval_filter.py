from fastapi import FastAPI

app = FastAPI()
ITEMS = [{"name": "apple", "price": 3}, {"name": "pear", "price": 5}]


@app.get("/items/filter")
def filter_items(condition: str = "True"):
    return [item for item in ITEMS if eval(condition, {}, dict(item))]
