"""The safe expression language of conditions and effects.

Source is parsed with `ast` and checked against a whitelist, then compiled once into a
tree of closures. The same tree evaluates over plain Python values (the play engine)
or over numpy arrays of many dreamers at once (the Monte Carlo simulator): the backend
is chosen when the closures are built. Nothing is ever passed to `eval` or `exec`.
"""

from __future__ import annotations

import ast
import io
import operator
import re
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .numeric import VALUE_BOUND, bound_scalar, bound_vector, product_vector

MAX_SOURCE_LENGTH = 500
MAX_DEPTH = 40
# Literals stay exact as floats and within the simulator's 64-bit integers.
MAX_LITERAL = VALUE_BOUND
# The documented grammar's numbers: decimal digits, an optional fraction and exponent.
_DECIMAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?").fullmatch
FUNCTIONS = ("min", "max", "abs")
CONSTANTS = {"true": True, "false": False, "True": True, "False": False}


class ExpressionError(ValueError):
    """A rejected expression; `column` is 1-based within the expression text."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


Env = Mapping[str, Any]
Fn = Callable[[Env], Any]


def _safe_div_scalar(a: Any, b: Any) -> Any:
    return bound_scalar(a / b) if b != 0 else 0.0


def _bounded_scalar(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda a, b: bound_scalar(fn(a, b))


def _safe_mod_scalar(a: Any, b: Any) -> Any:
    return a % b if b != 0 else 0


def _safe_div_vector(a: Any, b: Any) -> Any:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.zeros(np.broadcast(a, b).shape)
    with np.errstate(over="ignore", invalid="ignore"):
        np.divide(a, b, out=out, where=b != 0)
    return bound_vector(out)


def _safe_mod_vector(a: Any, b: Any) -> Any:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.zeros(np.broadcast(a, b).shape)
    np.mod(a, b, out=out, where=b != 0)
    return out


def _as_number(a: Any) -> Any:
    """Booleans count as 0/1 in arithmetic, as they do for one dreamer in Python."""
    if isinstance(a, np.ndarray):
        return a.astype(np.int64) if a.dtype == np.bool_ else a
    if isinstance(a, bool | np.bool_):
        return int(a)
    return a


def _vector_arith(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda a, b: bound_vector(fn(_as_number(a), _as_number(b)))


def _fold(fn: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        result = args[0]
        for arg in args[1:]:
            result = fn(result, arg)
        return result

    return call


@dataclass(frozen=True)
class _Backend:
    """The primitive operations one evaluation mode uses."""

    and_: Callable[[Any, Any], Any]
    or_: Callable[[Any, Any], Any]
    not_: Callable[[Any], Any]
    div: Callable[[Any, Any], Any]
    mod: Callable[[Any, Any], Any]
    funcs: dict[str, Callable[..., Any]]
    add: Callable[[Any, Any], Any] = operator.add
    sub: Callable[[Any, Any], Any] = operator.sub
    mul: Callable[[Any, Any], Any] = operator.mul
    neg: Callable[[Any], Any] = operator.neg
    pos: Callable[[Any], Any] = operator.pos


SCALAR = _Backend(
    and_=lambda a, b: bool(a) and bool(b),
    or_=lambda a, b: bool(a) or bool(b),
    not_=lambda a: not a,
    div=_safe_div_scalar,
    mod=_safe_mod_scalar,
    funcs={"min": min, "max": max, "abs": abs},
    add=_bounded_scalar(operator.add),
    sub=_bounded_scalar(operator.sub),
    mul=_bounded_scalar(operator.mul),
)
VECTOR = _Backend(
    and_=lambda a, b: np.logical_and(a, b),
    or_=lambda a, b: np.logical_or(a, b),
    not_=np.logical_not,
    div=_safe_div_vector,
    mod=_safe_mod_vector,
    funcs={"min": _fold(np.minimum), "max": _fold(np.maximum), "abs": np.abs},
    add=_vector_arith(operator.add),
    sub=_vector_arith(operator.sub),
    mul=lambda a, b: product_vector(_as_number(a), _as_number(b)),
    neg=lambda a: -_as_number(a),
    pos=lambda a: +_as_number(a),
)

_BINOPS: dict[type, Callable[[Any, Any], Any] | None] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: None,
    ast.Mod: None,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_DESCRIBE = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignment",
    ast.Starred: "starred arguments",
    ast.JoinedStr: "strings",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


def _col(node: ast.AST, src: str = "") -> int:
    """1-based character column of a node (ast counts UTF-8 bytes)."""
    offset = getattr(node, "col_offset", 0)
    if src and not src.isascii():
        offset = len(src.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    return offset + 1


def _op_col(src: str, after: ast.AST, symbol: str, fallback: int) -> int:
    """Column of an operator symbol written after a given operand."""
    end = getattr(after, "end_col_offset", None)
    if not src or end is None:
        return fallback
    if not src.isascii():
        end = len(src.encode("utf-8")[:end].decode("utf-8", "ignore"))
    found = src.find(symbol, end)
    return found + 1 if found >= 0 else fallback


_BINOP_SYMBOLS = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
}
_CMP_WORDS = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


def _check_constant(node: ast.Constant, depth: int, src: str) -> None:
    """Numbers within the literal bound and true/false; no strings or other constants."""
    if isinstance(node.value, bool):
        return
    if isinstance(node.value, int | float):
        if not abs(node.value) <= MAX_LITERAL:
            raise ExpressionError(f"number is too large (at most {MAX_LITERAL})", _col(node, src))
        return
    if isinstance(node.value, str):
        raise ExpressionError("strings are not allowed", _col(node, src))
    raise ExpressionError(f"constant {node.value!r} is not allowed", _col(node, src))


def _check_name(node: ast.Name, depth: int, src: str) -> None:
    """Variable names, never dunders or an uncalled function."""
    if node.id.startswith("__"):
        raise ExpressionError(f"name '{node.id}' is not allowed", _col(node, src))
    if node.id in FUNCTIONS:
        raise ExpressionError(f"'{node.id}' must be called", _col(node, src))


def _check_boolop(node: ast.BoolOp, depth: int, src: str) -> None:
    for value in node.values:
        _check(value, depth + 1, src)


def _check_unary(node: ast.UnaryOp, depth: int, src: str) -> None:
    if not isinstance(node.op, ast.Not | ast.USub | ast.UAdd):
        raise ExpressionError("operator '~' is not allowed", _col(node, src))
    _check(node.operand, depth + 1, src)


def _check_binop(node: ast.BinOp, depth: int, src: str) -> None:
    """Only + - * / %, named by symbol and column otherwise."""
    if type(node.op) not in _BINOPS:
        symbol = _BINOP_SYMBOLS.get(type(node.op), type(node.op).__name__)
        raise ExpressionError(
            f"operator '{symbol}' is not allowed",
            _op_col(src, node.left, symbol, _col(node, src)),
        )
    _check(node.left, depth + 1, src)
    _check(node.right, depth + 1, src)


def _check_compare(node: ast.Compare, depth: int, src: str) -> None:
    """Comparisons, never membership or identity."""
    for op, before in zip(node.ops, [node.left, *node.comparators], strict=False):
        if type(op) not in _CMPOPS:
            word = _CMP_WORDS.get(type(op), type(op).__name__)
            raise ExpressionError(
                f"operator '{word}' is not allowed",
                _op_col(src, before, word.split()[0], _col(node, src)),
            )
    _check(node.left, depth + 1, src)
    for comparator in node.comparators:
        _check(comparator, depth + 1, src)


def _check_call(node: ast.Call, depth: int, src: str) -> None:
    """min/max (two or more arguments) and abs (one), positional only."""
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        what = node.func.id if isinstance(node.func, ast.Name) else "this function"
        raise ExpressionError(
            f"calling '{what}' is not allowed (only min, max, abs)", _col(node, src)
        )
    if node.keywords:
        raise ExpressionError("keyword arguments are not allowed", _col(node.keywords[0], src))
    if not node.args:
        raise ExpressionError(f"{node.func.id}() needs an argument", _col(node, src))
    if node.func.id == "abs" and len(node.args) != 1:
        raise ExpressionError("abs() takes exactly one argument", _col(node, src))
    if node.func.id in ("min", "max") and len(node.args) < 2:
        raise ExpressionError(f"{node.func.id}() needs at least two arguments", _col(node, src))
    for arg in node.args:
        _check(arg, depth + 1, src)


def _reject(node: ast.AST, src: str) -> None:
    """Anything else, named in words at the column where it starts."""
    what = _DESCRIBE.get(type(node), type(node).__name__)
    if isinstance(node, ast.Attribute):
        raise ExpressionError(f"{what} not allowed", _op_col(src, node.value, ".", _col(node, src)))
    if isinstance(node, ast.Subscript):
        raise ExpressionError(f"{what} not allowed", _op_col(src, node.value, "[", _col(node, src)))
    raise ExpressionError(f"{what} not allowed", _col(node, src))


_CHECKS: dict[type, Callable[[Any, int, str], None]] = {
    ast.Constant: _check_constant,
    ast.Name: _check_name,
    ast.BoolOp: _check_boolop,
    ast.UnaryOp: _check_unary,
    ast.BinOp: _check_binop,
    ast.Compare: _check_compare,
    ast.Call: _check_call,
}


def _check(node: ast.AST, depth: int = 0, src: str = "") -> None:
    """Reject everything outside the whitelist, naming the construct and its column."""
    if depth > MAX_DEPTH:
        raise ExpressionError("expression is nested too deeply", _col(node, src))
    step = _CHECKS.get(type(node))
    if step is None:
        _reject(node, src)
    else:
        step(node, depth, src)


def _check_tokens(src: str) -> None:
    """What `ast` accepts but the documented grammar does not: comments, non-decimal or
    underscored numbers, and non-ASCII names (Python folds them by NFKC; rename would not)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover - ast parsed it already
        return
    for tok in tokens:
        column = tok.start[1] + 1
        if tok.type == tokenize.COMMENT:
            raise ExpressionError("comments ('#') are not part of expressions", column)
        if tok.type == tokenize.NUMBER and not _DECIMAL(tok.string):
            raise ExpressionError(
                f"number {tok.string!r} is not allowed (write plain decimals like 1000 or 0.5)",
                column,
            )
        if tok.type == tokenize.NAME and not tok.string.isascii():
            raise ExpressionError(
                f"name {tok.string!r} is not allowed (names use ASCII letters, digits and _)",
                column,
            )


def _build_boolop(node: ast.BoolOp, be: _Backend) -> Fn:
    """`and`/`or`: short-circuit for one dreamer, element-wise over arrays."""
    parts = [_build(v, be) for v in node.values]
    combine = be.and_ if isinstance(node.op, ast.And) else be.or_
    if be is SCALAR:
        if isinstance(node.op, ast.And):
            return lambda env: all(bool(p(env)) for p in parts)
        return lambda env: any(bool(p(env)) for p in parts)

    def boolop(env: Env) -> Any:
        result = parts[0](env)
        for part in parts[1:]:
            result = combine(result, part(env))
        return result

    return boolop


def _build_compare(node: ast.Compare, be: _Backend) -> Fn:
    """Comparisons, chained like `0 < x <= 5` (each operand evaluated once)."""
    first = _build(node.left, be)
    rest = [
        (_CMPOPS[type(op)], _build(c, be)) for op, c in zip(node.ops, node.comparators, strict=True)
    ]
    if len(rest) == 1:
        cmp, right = rest[0]
        return lambda env: cmp(first(env), right(env))

    def chain(env: Env) -> Any:
        left = first(env)
        result: Any = True
        for cmp, right_fn in rest:
            right = right_fn(env)
            result = be.and_(result, cmp(left, right))
            left = right
        return result

    return chain


def _build(node: ast.AST, be: _Backend) -> Fn:
    """Turn a checked AST into closures for one backend."""
    if isinstance(node, ast.Constant):
        value = node.value
        return lambda env: value
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            value = CONSTANTS[node.id]
            return lambda env: value
        name = node.id
        return lambda env: env[name]
    if isinstance(node, ast.BoolOp):
        return _build_boolop(node, be)
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, be)
        if isinstance(node.op, ast.Not):
            return lambda env: be.not_(operand(env))
        sign = be.neg if isinstance(node.op, ast.USub) else be.pos
        return lambda env: sign(operand(env))
    if isinstance(node, ast.BinOp):
        left, right = _build(node.left, be), _build(node.right, be)
        fn = {ast.Add: be.add, ast.Sub: be.sub, ast.Mult: be.mul, ast.Div: be.div, ast.Mod: be.mod}[
            type(node.op)
        ]
        return lambda env: fn(left(env), right(env))
    if isinstance(node, ast.Compare):
        return _build_compare(node, be)
    if isinstance(node, ast.Call):
        func = be.funcs[node.func.id]  # type: ignore[attr-defined]
        args = [_build(a, be) for a in node.args]
        return lambda env: func(*(a(env) for a in args))
    raise ExpressionError(f"{type(node).__name__} not allowed", _col(node))  # pragma: no cover


def _names(tree: ast.AST) -> frozenset[str]:
    return frozenset(
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and n.id not in CONSTANTS and n.id not in FUNCTIONS
    )


class Expression:
    """A compiled expression: `names` it reads, `evaluate` on values, `evaluate_vector` on arrays."""

    __slots__ = ("source", "names", "_tree", "_scalar", "_vector")

    def __init__(self, source: str, tree: ast.Expression) -> None:
        self.source = source
        self._tree = tree
        self.names = _names(tree)
        self._scalar = _build(tree.body, SCALAR)
        self._vector: Fn | None = None

    def evaluate(self, env: Env) -> Any:
        """Evaluate over one dreamer's variables."""
        return self._scalar(env)

    def evaluate_vector(self, env: Env) -> Any:
        """Evaluate over arrays (one entry per dreamer); scalars broadcast."""
        if self._vector is None:
            self._vector = _build(self._tree.body, VECTOR)
        return self._vector(env)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Expression:
    """Parse, check and compile; raises ExpressionError with a 1-based column."""
    if not isinstance(source, str):
        raise ExpressionError("an expression must be text")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_SOURCE_LENGTH} characters")
    if not source.strip():
        raise ExpressionError("expression is empty")
    if "\n" in source or "\r" in source:
        first = min(i for i in (source.find("\n"), source.find("\r")) if i >= 0)
        raise ExpressionError("expression must be on one line", first + 1)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        shift = len(source) - len(source.lstrip())
        if not exc.offset:  # the parser ran out of input
            raise ExpressionError(
                "syntax error: the expression ends too early", shift + len(source.strip()) + 1
            ) from None
        raise ExpressionError(f"syntax error: {exc.msg}", exc.offset + shift) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot parse: {exc}") from None
    shift = len(source) - len(source.lstrip())
    try:
        _check(tree.body, 0, source.strip())
        _check_tokens(source.strip())
    except ExpressionError as exc:
        exc.column += shift
        raise
    except RecursionError:
        raise ExpressionError("expression is nested too deeply") from None
    return Expression(source, tree)


def check_names(expr: Expression, declared: Mapping[str, Any]) -> list[str]:
    """Names the expression reads that are not declared variables."""
    return sorted(name for name in expr.names if name not in declared)


def coerce(value: Any, var_type: str) -> Any:
    """Cast a computed value to a variable's declared type (ints truncate toward zero),
    clamped to ±VALUE_BOUND like every other value."""
    if var_type == "bool":
        return bool(value)
    if var_type == "int":
        return int(bound_scalar(value))
    return float(bound_scalar(float(value)))


def coerce_vector(values: Any, var_type: str, size: int) -> np.ndarray:
    """Array version of `coerce`, broadcasting scalars to every dreamer."""
    arr = np.broadcast_to(np.asarray(values), (size,))
    if var_type == "bool":
        return arr.astype(bool)
    if var_type == "int":
        return np.trunc(bound_vector(arr.astype(float))).astype(np.int64)
    return np.asarray(bound_vector(arr.astype(float)), dtype=float)


def clamp(value: Any, low: Any = None, high: Any = None) -> Any:
    """Keep a value (or an array of values) inside a variable's declared bounds."""
    if low is None and high is None:
        return value
    if isinstance(value, np.ndarray):
        return np.clip(value, low, high)
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


_WORD = r"(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_])"


def rename_in_source(source: str, old: str, new: str) -> str:
    """Rename a variable in expression text, whole words only."""
    return re.sub(_WORD.format(re.escape(old)), new, source)
