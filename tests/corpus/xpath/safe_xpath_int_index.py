from fastapi import FastAPI
from lxml import etree

app = FastAPI()
DOC = etree.parse("/srv/app/inventory.xml")


@app.get("/inventory/position/{pos}")
def by_position(pos: int):
    return {"sku": DOC.xpath(f"/inventory/item[{pos}]/@sku")}
