from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/<int:pk>/", views.add_to_cart, name="add"),
    path("invoice/", views.invoice_file, name="invoice_file"),
    path("invoice/<uuid:order_id>/", views.invoice, name="invoice"),
    path("invoice/<uuid:order_id>/regenerate/", views.regenerate_invoice, name="regenerate"),
    path("media/<str:name>", views.media, name="media"),
    path("import/", views.import_orders, name="import"),
]
