"""Stock levels at the supplier, from its catalogue API."""

import httpx

from app.config import settings


def supplier_stock(sku: str) -> int:
    response = httpx.get(settings.supplier_api_url + f"/stock/{sku}", timeout=5)
    response.raise_for_status()
    return int(response.json()["available"])
