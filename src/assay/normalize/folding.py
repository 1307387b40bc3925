"""The value of a condition written with constants only (`retries > 5` where `retries = 2`).

A branch such a condition never takes runs nothing: what a name holds after the `if` is
what the branch taken assigns. Only what evaluating cannot get wrong is folded:
literal numbers, strings, booleans and None; names whose value the caller knows as one
of those; `+ - * // %` on numbers, `+` on strings (and `*` by a small count),
comparisons, `and`, `or`, `not` and unary minus. Anything else (a call, an attribute, a
name not known, a huge number) is not known, and the caller treats either branch as
possible.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

Value = int | float | str | bool | None
Lookup = Callable[[str], tuple[bool, Value]]  # a name's value, when known
_LIMIT = 10 ** 12  # larger numbers are not folded (no `10 ** 10 ** 10` to compute)
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not}


class _Unknown(Exception):
    """The expression cannot be folded."""


def truth(test: ast.expr, lookup: Lookup) -> bool | None:
    """Whether `test` is true (None: not known)."""
    try:
        return bool(_value(test, lookup))
    except (_Unknown, TypeError, ValueError, ZeroDivisionError, OverflowError,
            RecursionError):
        return None


def _value(node: ast.expr, lookup: Lookup) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | None):
        return _bounded(node.value)
    if isinstance(node, ast.Name):
        known, value = lookup(node.id)
        if not known:
            raise _Unknown
        return _bounded(value)
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, lookup)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub) and isinstance(operand, int | float):
            return -operand
        raise _Unknown
    if isinstance(node, ast.BoolOp):
        return _boolean(node, lookup)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, lookup), _value(node.right, lookup)
        if isinstance(left, str) or isinstance(right, str):
            _text_operation(node.op, left, right)
        return _bounded(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Compare):
        return _compare(node, lookup)
    raise _Unknown


def _boolean(node: ast.BoolOp, lookup: Lookup) -> Value:
    result: Value = None
    for operand in node.values:  # as Python does: none after the one that decides
        result = _value(operand, lookup)
        if (isinstance(node.op, ast.And) and not result) or \
                (isinstance(node.op, ast.Or) and result):
            return result
    return result


def _compare(node: ast.Compare, lookup: Lookup) -> bool:
    left = _value(node.left, lookup)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        if type(op) not in _COMPARE:
            raise _Unknown
        right = _value(comparator, lookup)
        if not bool(_COMPARE[type(op)](left, right)):
            return False
        left = right
    return True


def _text_operation(op: ast.operator, left: Value, right: Value) -> None:
    """Refuse what would build a huge string before it is built: only `+` of two
    strings and `*` by a small count (`%` formatting may pad to any width)."""
    if isinstance(op, ast.Add) and isinstance(left, str) and isinstance(right, str):
        return
    count = right if isinstance(left, str) else left
    if isinstance(op, ast.Mult) and isinstance(count, int) and 0 <= count <= 100:
        return
    raise _Unknown


def _bounded(value: Value) -> Value:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > _LIMIT:
        raise _Unknown
    if isinstance(value, str) and len(value) > 10_000:
        raise _Unknown
    return value
