from django import forms

from catalog.models import Product


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["category", "name", "description", "price", "image_url"]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    max_price = forms.CharField(required=False)
