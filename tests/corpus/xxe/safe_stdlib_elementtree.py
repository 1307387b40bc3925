import xml.etree.ElementTree as ET

from flask import Flask, request

app = Flask(__name__)


@app.post("/import/orders")
def import_orders():
    root = ET.fromstring(request.get_data())
    return {"orders": len(root.findall("order"))}
