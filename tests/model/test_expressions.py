"""The expression whitelist, its error columns, and scalar/vector agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.model.expressions import (
    MAX_SOURCE_LENGTH,
    ExpressionError,
    check_names,
    coerce,
    coerce_vector,
    compile_expression,
    rename_in_source,
)

# (source, column of the offending construct, a word the message must contain)
REJECTED = [
    ("courage.real", 8, "attribute"),
    ("x.__class__", 2, "attribute"),
    ("open(1)", 1, "open"),
    ("courage >= 2 and print(x)", 18, "print"),
    ("eval(x)", 1, "eval"),
    ("x[0]", 2, "subscript"),
    ("lambda: 1", 1, "lambda"),
    ("[a for a in b]", 1, "comprehension"),
    ("1 + sum(a for a in b)", 5, "sum"),
    ("{a for a in b}", 1, "comprehension"),
    ("__class__", 1, "__class__"),
    ("a + __builtins__", 5, "__builtins__"),
    ('"hi"', 1, "string"),
    ("courage == 'x'", 12, "string"),
    ('f"{x}"', 1, "string"),
    ("2 ** 3", 3, "**"),
    ("7 // 2", 3, "//"),
    ("a & b", 3, "&"),
    ("(a) | b", 5, "|"),
    ("a ^ b", 3, "^"),
    ("a << 1", 3, "<<"),
    ("a >> 1", 3, ">>"),
    ("~a", 1, "~"),
    ("(y := 1)", 2, "assignment"),
    ("a if b else c", 1, "conditional"),
    ("a in b", 3, "in"),
    ("a < b is not c", 7, "is not"),
    ("max(a, key=b)", 8, "keyword"),
    ("min(1)", 1, "two arguments"),
    ("abs(1, 2)", 1, "one argument"),
    ("min", 1, "called"),
    ("None", 1, "None"),
    ("1j", 1, "1j"),
    ("[1, 2]", 1, "list"),
    ("(1, 2)", 1, "tuple"),
    ("{1: 2}", 1, "dict"),
    ("  x.y", 4, "attribute"),
    ("a +", 4, "ends too early"),
    ("a b", 3, "syntax"),
    ("99999999999999999999", 1, "too large"),
    ("1e400", 1, "too large"),
    ("café.x", 5, "attribute"),
    ("a +\nb", 4, "one line"),
]


@pytest.mark.parametrize(("source", "column", "word"), REJECTED)
def test_rejected_with_column(source: str, column: int, word: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert info.value.column == column, info.value
    assert word in info.value.message
    assert str(info.value).startswith(f"column {column}: ")


def test_too_long_source_rejected() -> None:
    source = "1 + " * (MAX_SOURCE_LENGTH // 4) + "1"
    assert len(source) > MAX_SOURCE_LENGTH
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert "longer than" in info.value.message
    assert info.value.column == 1


def test_empty_and_non_text_rejected() -> None:
    for source in ("", "   "):
        with pytest.raises(ExpressionError, match="empty"):
            compile_expression(source)
    with pytest.raises(ExpressionError, match="text"):
        compile_expression(5)  # type: ignore[arg-type]


def test_deep_nesting_rejected_not_crashing() -> None:
    with pytest.raises(ExpressionError):
        compile_expression("(" * 60 + "1" + ")" * 60 + " + " + "-" * 60 + "1")
    with pytest.raises(ExpressionError):
        compile_expression(" + ".join(["1"] * 120).replace(" + ", " + (") + ")" * 119)


ACCEPTED = {
    "courage >= 2": True,
    "courage + 1": 4,
    "not met_mae": False,
    "met_mae and courage > 1": True,
    "met_mae or false": True,
    "min(courage, 10, 2) + max(1, 2)": 4,
    "abs(-courage)": 3,
    "courage / 2": 1.5,
    "courage / 0": 0.0,
    "courage % 2": 1,
    "courage % 0": 0,
    "1 < courage <= 3": True,
    "-(courage - 5) * 2": 4,
    "true": True,
    "  courage  ": 3,
    "calm * 0.5 + courage == 4": True,
}


@pytest.mark.parametrize(("source", "expected"), sorted(ACCEPTED.items()))
def test_accepted_evaluate(source: str, expected: object) -> None:
    env = {"courage": 3, "met_mae": True, "calm": 2}
    expr = compile_expression(source)
    assert expr.evaluate(env) == expected
    vec = expr.evaluate_vector({k: np.array([v, v]) for k, v in env.items()})
    assert np.all(np.broadcast_to(vec, (2,)) == expected)


def test_names_exclude_constants_and_functions() -> None:
    expr = compile_expression("min(courage, tokens) > 1 and not true or lucid")
    assert expr.names == frozenset({"courage", "tokens", "lucid"})
    assert check_names(expr, {"courage": 0}) == ["lucid", "tokens"]


def test_compiled_once() -> None:
    assert compile_expression("courage + 1") is compile_expression("courage + 1")


def test_coerce() -> None:
    assert coerce(3.9, "int") == 3 and coerce(-3.9, "int") == -3
    assert coerce(0, "bool") is False
    assert coerce(True, "float") == 1.0
    arr = coerce_vector(np.array([3.9, -3.9]), "int", 2)
    assert arr.dtype == np.int64 and arr.tolist() == [3, -3]
    assert coerce_vector(1, "bool", 3).tolist() == [True, True, True]
    assert coerce_vector(np.array([1, 2]), "float", 2).dtype == float


def test_rename_in_source_whole_words() -> None:
    assert (
        rename_in_source("courage + courage_2 - xcourage", "courage", "nerve")
        == "nerve + courage_2 - xcourage"
    )


# ------------------------------------------------------- scalar == vector
VARS = {"a": "int", "b": "int", "f": "float", "p": "bool", "q": "bool"}


def _leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(sorted(VARS)),
        st.integers(0, 9).map(str),
        st.floats(0, 9, allow_nan=False).map(lambda v: repr(round(v, 2))),
        st.sampled_from(["true", "false"]),
    )


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(
        inner,
        st.sampled_from(["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "and", "or"]),
        inner,
    )
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda s: f"(not {s})"),
        inner.map(lambda s: f"(-{s})"),
        inner.map(lambda s: f"abs({s})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
    )


EXPRESSIONS = st.recursive(_leaf(), _extend, max_leaves=7)


def _values(kind: str) -> st.SearchStrategy[object]:
    if kind == "int":
        return st.integers(-20, 20)
    if kind == "float":
        return st.floats(-20, 20, allow_nan=False).map(lambda v: round(v, 3))
    return st.booleans()


DREAMERS = st.lists(
    st.fixed_dictionaries({k: _values(t) for k, t in VARS.items()}), min_size=1, max_size=6
)


@settings(max_examples=300, deadline=None)
@given(source=EXPRESSIONS, dreamers=DREAMERS)
def test_scalar_and_vector_agree(source: str, dreamers: list[dict[str, object]]) -> None:
    expr = compile_expression(source)
    arrays = {
        name: np.array(
            [d[name] for d in dreamers], dtype={"int": np.int64, "float": float, "bool": bool}[kind]
        )
        for name, kind in VARS.items()
    }
    vector = np.broadcast_to(np.asarray(expr.evaluate_vector(arrays)), (len(dreamers),))
    for i, dreamer in enumerate(dreamers):
        scalar = expr.evaluate(dreamer)
        got = vector[i]
        assert isinstance(scalar, bool | int | float)
        assert math.isclose(float(scalar), float(got), rel_tol=1e-9, abs_tol=1e-9), (
            source,
            dreamer,
            scalar,
            got,
        )


@pytest.mark.parametrize(
    ("source", "column", "word"),
    [
        ("true # and courage >= 5", 6, "comments"),
        ("courage >= 5 #", 14, "comments"),
        ("courage >= 0x10", 12, "0x10"),
        ("courage + 1_000", 11, "1_000"),
        ("courage > 0o7", 11, "0o7"),
        ("courage > 0b1", 11, "0b1"),
        ("\uff43ourage + 1", 1, "ASCII"),  # fullwidth c, folded to 'courage' by NFKC
        ("courage + \u0131", 11, "ASCII"),
    ],
)
def test_constructs_outside_the_documented_grammar_are_rejected(
    source: str, column: int, word: str
) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert info.value.column == column, info.value
    assert word in info.value.message


@pytest.mark.parametrize("source", ["1e3 + .5", "2.", "1E-3 * courage", "0.25"])
def test_plain_decimal_numbers_stay_allowed(source: str) -> None:
    compile_expression(source)
