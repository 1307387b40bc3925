"""Price rules: a supplier sends a formula over the current price."""

import ast
import operator
from decimal import Decimal

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(node: ast.expr, price: float) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id == "price":
        return price
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left, price), _evaluate(node.right, price))
    raise ValueError("unsupported formula")


def apply_rule(price: Decimal, formula: str) -> Decimal:
    value = _evaluate(ast.parse(formula, mode="eval").body, float(price))
    return Decimal(str(round(value, 2)))
