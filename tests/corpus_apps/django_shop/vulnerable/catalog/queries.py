"""Catalogue queries that the ORM does not express well."""

from django.db import connection

from catalog.models import Product


def search_products(term, max_price=None):
    products = Product.objects.raw("SELECT * FROM catalog_product WHERE name ILIKE '%%" + term + "%%'")
    if max_price:
        products = Product.objects.filter(name__icontains=term).extra(where=[f"price <= {max_price}"])
    return products


def products_in_category(slug, order_by):
    return Product.objects.filter(category__slug=slug).order_by(order_by if order_by in ("name", "price") else "name")


class SalesReport:
    """Totals per category, straight from SQL."""

    @classmethod
    def for_category(cls, category_slug):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT p.name, SUM(o.quantity) FROM orders_line o JOIN catalog_product p ON p.id = o.product_id JOIN catalog_category c ON c.id = p.category_id WHERE c.slug = '{category_slug}' GROUP BY p.name")
            return cursor.fetchall()
