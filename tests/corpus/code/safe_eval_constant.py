from fastapi import FastAPI

app = FastAPI()
DEFAULT_RULE = "price < 10"


@app.get("/items/cheap")
def cheap(limit: int = 10):
    rule = DEFAULT_RULE
    items = [{"price": p} for p in range(limit)]
    return [i for i in items if eval(rule, {}, i)]
