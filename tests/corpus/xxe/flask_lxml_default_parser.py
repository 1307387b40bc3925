from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.post("/import/products")
def import_products():
    root = etree.fromstring(request.data)
    names = [p.findtext("name") for p in root.iter("product")]
    return {"imported": len(names)}
