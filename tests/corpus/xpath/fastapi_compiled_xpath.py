from fastapi import FastAPI
from lxml import etree

app = FastAPI()
DOC = etree.parse("/srv/app/inventory.xml")


@app.get("/inventory/{sku}")
def inventory(sku: str):
    find = etree.XPath("/inventory/item[@sku='%s']/qty/text()" % sku)
    return {"qty": find(DOC)}
