from django.contrib.auth.models import User
from django.test import TestCase, override_settings

from catalog.models import Category, Product


@override_settings(SECRET_KEY="test-secret")
class SearchTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("ann", password="correct horse battery")
        shoes = Category.objects.create(name="Shoes", slug="shoes")
        Product.objects.create(category=shoes, name="Runner", price="59.90")

    def test_search_finds_by_name(self):
        response = self.client.get("/", {"q": "Run"})
        self.assertContains(response, "Runner")

    def test_suggest_is_json(self):
        response = self.client.get("/suggest/", {"q": "<b>"})
        self.assertEqual(response["Content-Type"], "application/json")
