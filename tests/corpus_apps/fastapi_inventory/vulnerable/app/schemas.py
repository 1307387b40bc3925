from pydantic import BaseModel, Field, HttpUrl


class ItemOut(BaseModel):
    id: int
    sku: str
    name: str
    quantity: int

    model_config = {"from_attributes": True}


class PriceRule(BaseModel):
    sku: str
    formula: str = Field(examples=["price * 0.9"])


class WebhookTest(BaseModel):
    url: HttpUrl
    event: str = "stock.changed"
