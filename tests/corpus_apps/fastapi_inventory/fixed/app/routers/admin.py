import yaml
from fastapi import APIRouter, Depends, Request

from app.dependencies import require_api_key
from app.schemas import WebhookTest
from app.services.webhooks import send_test_event

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_api_key)])


@router.post("/import")
async def import_stock(request: Request):
    document = yaml.safe_load(await request.body())
    return {"lines": len(document.get("items", []))}


@router.post("/webhooks/test")
def test_webhook(payload: WebhookTest):
    return {"status": send_test_event(str(payload.url), payload.event)}
