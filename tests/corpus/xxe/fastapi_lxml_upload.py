from fastapi import FastAPI, UploadFile
from lxml import etree

app = FastAPI()


@app.post("/invoices")
async def upload_invoice(file: UploadFile):
    content = await file.read()
    doc = etree.XML(content)
    return {"total": doc.findtext("total")}
