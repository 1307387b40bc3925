"""Product images and currency conversion."""

import hashlib
import urllib.request
from decimal import Decimal
from urllib.parse import urlparse

import requests
from django.core.cache import cache

RATES_API = "https://api.rates.example.com/latest"
IMAGE_HOSTS = {"images.shop.example.com", "cdn.shop.example.com"}


def fetch_product_image(url):
    if urlparse(url).hostname not in IMAGE_HOSTS:
        raise ValueError("images are fetched from our CDN only")
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def convert(amount, currency):
    key = "rate:" + hashlib.md5(currency.encode()).hexdigest()
    rate = cache.get(key)
    if rate is None:
        response = requests.get(RATES_API, params={"base": "EUR", "symbols": currency}, timeout=5)
        rate = Decimal(str(response.json()["rates"][currency]))
        cache.set(key, rate, 3600)
    return amount * rate
