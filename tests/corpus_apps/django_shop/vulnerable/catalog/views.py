from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalog.forms import ProductForm, SearchForm
from catalog.models import Product
from catalog.queries import SalesReport, products_in_category, search_products
from catalog.services import convert, fetch_product_image


def search(request):
    form = SearchForm(request.GET)
    term = request.GET.get("q", "")
    products = search_products(term, request.GET.get("max_price"))
    heading = mark_safe(f"Results for <em>{term}</em>")
    return render(request, "catalog/search.html", {"form": form, "products": products, "heading": heading, "query": term})


def category(request, slug):
    products = products_in_category(slug, request.GET.get("order", "name"))
    title = format_html("Category <em>{}</em>", slug)
    return render(request, "catalog/search.html", {"products": products, "heading": title, "query": slug})


def product(request, pk):
    item = get_object_or_404(Product, pk=pk)
    price = convert(item.price, request.GET.get("currency", "EUR"))
    return render(request, "catalog/product.html", {"product": item, "price": price})


def suggest(request):
    term = request.GET.get("q", "")
    names = list(Product.objects.filter(name__istartswith=term).values_list("name", flat=True)[:10])
    return JsonResponse({"query": term, "names": names})


def not_found_hint(request):
    missing = request.GET.get("name", "")
    return HttpResponse(f"<p>No product called {missing}.</p>")


@login_required
def add_product(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save()
        if item.image_url:
            fetch_product_image(request.POST["image_url"])
        return redirect("catalog:product", pk=item.pk)
    return render(request, "catalog/product_form.html", {"form": form})


@login_required
def sales(request, slug):
    return JsonResponse({"rows": SalesReport.for_category(slug)})
