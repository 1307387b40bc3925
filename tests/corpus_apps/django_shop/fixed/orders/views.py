import os

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, JsonResponse

from orders.cart import dump_cart, load_cart
from orders.importer import parse_orders
from orders.invoices import render_invoice


def cart(request):
    items = load_cart(request)
    request.session["cart_size"] = len(items)
    return JsonResponse({"items": items})


def add_to_cart(request, pk):
    items = load_cart(request)
    items[str(pk)] = items.get(str(pk), 0) + 1
    return dump_cart(JsonResponse({"items": items}), items)


def invoice_file(request):
    name = os.path.basename(request.GET["file"])
    return FileResponse(open(os.path.join(settings.INVOICE_ROOT, name), "rb"), content_type="application/pdf")


def invoice(request, order_id):
    path = settings.INVOICE_ROOT / f"{order_id}.pdf"
    if not path.exists():
        raise Http404("no invoice")
    return FileResponse(open(path, "rb"), content_type="application/pdf")


def media(request, name):
    return FileResponse(open(settings.MEDIA_ROOT / name, "rb"))


@staff_member_required
def regenerate_invoice(request, order_id):
    path = render_invoice(order_id, settings.INVOICE_ROOT / f"{order_id}.html", request.POST.get("title", "Invoice"))
    return JsonResponse({"path": str(path)})


@staff_member_required
def import_orders(request):
    return JsonResponse({"orders": parse_orders(request.body)})
