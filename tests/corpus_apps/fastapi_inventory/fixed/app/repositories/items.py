"""Item queries."""

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.models import Item


class ItemRepository:
    def __init__(self, session: Session):
        self.session = session

    def by_ids(self, ids: list[int]) -> list[Item]:
        return list(self.session.execute(select(Item).where(Item.id.in_(ids))).scalars())

    SORTS = {"name": Item.name, "price": Item.price, "quantity": Item.quantity}

    def search(self, term: str, sort: str) -> list[Item]:
        statement = select(Item).where(Item.name.ilike(f"%{term}%")).order_by(self.SORTS.get(sort, Item.name))
        return list(self.session.scalars(statement))

    def low_stock(self, threshold: int) -> list[Item]:
        rows = self.session.execute(text("SELECT * FROM items WHERE quantity < :t"), {"t": threshold})
        return list(rows.mappings())

    def by_sku(self, sku: str) -> Item | None:
        return self.session.scalars(select(Item).where(Item.sku == sku)).first()
