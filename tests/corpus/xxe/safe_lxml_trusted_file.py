from flask import Flask, request
from lxml import etree

app = Flask(__name__)
CATALOG = etree.parse("/srv/app/catalog.xml")


@app.get("/catalog/count")
def catalog_count():
    kind = request.args.get("kind", "book")
    return {"count": len(CATALOG.getroot().findall("item"))}
