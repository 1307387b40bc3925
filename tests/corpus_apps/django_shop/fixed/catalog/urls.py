from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("product/<int:pk>/", views.product, name="product"),
    path("product/new/", views.add_product, name="add"),
    path("suggest/", views.suggest, name="suggest"),
    path("missing/", views.not_found_hint, name="missing"),
    path("sales/<str:slug>/", views.sales, name="sales"),
]
