"""The node-graph canvas: a scene that follows the model, a view, a minimap and quick-add."""

from .items import NODE_H, NODE_W, EdgeItem, GroupItem, NodeItem
from .minimap import MiniMap
from .quick_add import QuickAddPopup
from .scene import DreamScene
from .style import KIND_COLORS, kind_color, kind_icon
from .view import KIND_MIME, DreamView

__all__ = [
    "KIND_COLORS",
    "KIND_MIME",
    "NODE_H",
    "NODE_W",
    "DreamScene",
    "DreamView",
    "EdgeItem",
    "GroupItem",
    "MiniMap",
    "NodeItem",
    "QuickAddPopup",
    "kind_color",
    "kind_icon",
]
