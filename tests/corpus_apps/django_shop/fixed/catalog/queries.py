"""Catalogue queries that the ORM does not express well."""

from decimal import Decimal

from django.db import connection

from catalog.models import Product


def search_products(term, max_price=None):
    products = Product.objects.raw("SELECT * FROM catalog_product WHERE name ILIKE %s", [f"%{term}%"])
    if max_price:
        products = Product.objects.filter(name__icontains=term, price__lte=Decimal(max_price))
    return products


def products_in_category(slug, order_by):
    return Product.objects.filter(category__slug=slug).order_by(order_by if order_by in ("name", "price") else "name")


class SalesReport:
    """Totals per category, straight from SQL."""

    @classmethod
    def for_category(cls, category_slug):
        with connection.cursor() as cursor:
            cursor.execute("SELECT p.name, SUM(o.quantity) FROM orders_line o JOIN catalog_product p ON p.id = o.product_id JOIN catalog_category c ON c.id = p.category_id WHERE c.slug = %s GROUP BY p.name", [category_slug])
            return cursor.fetchall()
