"""Product images and currency conversion."""

import hashlib
import urllib.request
from decimal import Decimal

import requests
from django.core.cache import cache

RATES_API = "https://api.rates.example.com/latest"


def fetch_product_image(url):
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
