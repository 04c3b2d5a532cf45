"""Map layers: each turns store queries into plotly traces for the map.

:data:`LAYERS` maps a layer's short name to its module, imported only when asked for.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

LAYERS: dict[str, str] = {
    "areas": "layers.areas",
    "cameras": "layers.cameras",
}


def load_layer(name: str) -> ModuleType:
    """The module of the layer called ``name`` (``KeyError`` for an unknown name)."""
    return import_module(LAYERS[name])
