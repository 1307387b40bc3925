from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from app.dependencies import get_session, require_api_key
from app.repositories.items import ItemRepository
from app.schemas import ItemOut, PriceRule
from app.services.pricing import apply_rule
from app.services.suppliers import supplier_stock
from app.services.webhooks import report_event

router = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(require_api_key)])


@router.get("/search", response_model=list[ItemOut])
def search_items(q: str = "", sort: str = "name", session: Session = Depends(get_session)):
    return ItemRepository(session).search(q, sort)


@router.get("/batch", response_model=list[ItemOut])
def batch(ids: list[int] = Query(), session: Session = Depends(get_session)):
    return ItemRepository(session).by_ids(ids)


@router.get("/echo")
def echo(message: str):
    return f"received: {message}"


@router.post("/reprice")
def reprice(rule: PriceRule, session: Session = Depends(get_session)):
    item = ItemRepository(session).by_sku(rule.sku)
    if item is None:
        raise HTTPException(status_code=404)
    item.price = apply_rule(item.price, rule.formula)
    session.commit()
    report_event(f"repriced:{rule.sku}")
    return {"sku": item.sku, "price": str(item.price)}


@router.get("/supplier-stock")
def stock_at_supplier(sku: str):
    return {"sku": sku, "available": supplier_stock(sku)}
