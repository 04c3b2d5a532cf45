"""Map layers: each turns store queries into plotly traces for the map."""
