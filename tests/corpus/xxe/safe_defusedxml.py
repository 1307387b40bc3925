from defusedxml import ElementTree
from flask import Flask, request

app = Flask(__name__)


@app.post("/import/products")
def import_products():
    root = ElementTree.fromstring(request.data)
    names = [p.findtext("name") for p in root.iter("product")]
    return {"imported": len(names)}
