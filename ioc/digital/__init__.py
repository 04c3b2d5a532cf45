"""The digital-transformation board: indicators as data, values with their public source.

``catalogue`` reads the shipped indicator definitions (``data/digital/indicators.toml``)
and writes them to the store; ``values`` stores one value with its source
(:func:`ioc.digital.values.record_indicator_value`, also the entry point of pull
connectors); ``importer`` reads CSV/Excel files of values and refuses any value without a
source; ``board`` is the read side of the ``/chuyen-doi-so`` page; ``commands`` adds
``ioc digital import``. See docs/digital-board.md.
"""
