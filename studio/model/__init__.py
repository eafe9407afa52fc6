"""Pure data model of a dreamscape: records, the document, reversible ops and expressions."""

from .dreamscape import Dreamscape, ModelError
from .elements import (
    AUDIENCES,
    NODE_KINDS,
    VARIABLE_TYPES,
    Edge,
    Group,
    Meta,
    Night,
    Node,
    Variable,
    default_reward,
    is_valid_id,
)
from .events import Event
from .expressions import Expression, ExpressionError, compile_expression

__all__ = [
    "AUDIENCES",
    "NODE_KINDS",
    "VARIABLE_TYPES",
    "Dreamscape",
    "Edge",
    "Event",
    "Expression",
    "ExpressionError",
    "Group",
    "Meta",
    "ModelError",
    "Night",
    "Node",
    "Variable",
    "compile_expression",
    "default_reward",
    "is_valid_id",
]
