from django.db import models
from django.utils.html import format_html, format_html_join


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    image_url = models.URLField(blank=True)
    specs = models.JSONField(default=dict)

    def specs_table(self):
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", self.specs.items())
        return format_html("<table class='specs'>{}</table>", rows)
