import requests

STRIPE_API_KEY = "sk_test_51HxQ2bC4d5e6f7g8h9i0jKLmnOPqrs"


def charge(amount_cents: int, source: str) -> dict:
    resp = requests.post("https://api.stripe.com/v1/charges",
                         auth=(STRIPE_API_KEY, ""),
                         data={"amount": amount_cents, "currency": "usd", "source": source})
    return resp.json()
