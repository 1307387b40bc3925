"""Price rules: a supplier sends a formula over the current price."""

from decimal import Decimal


def apply_rule(price: Decimal, formula: str) -> Decimal:
    value = eval(formula, {"__builtins__": {}}, {"price": float(price)})
    return Decimal(str(round(value, 2)))
