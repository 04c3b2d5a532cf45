"""The province's geography: default (approximate) units of three periods, imports, CLI.

* :mod:`ioc.geography.defaults` makes the units of 2004–2024, 2024–2025 and from 2025 out of
  the shipped commune cells (``data/geography/lamdong_cells.geojson``);
* :mod:`ioc.geography.approximate` builds those cells from ``vietnamadminunits``
  (``scripts/build_geography.py``);
* :mod:`ioc.geography.boundary_files` reads official boundaries (shapefile, GeoPackage, KML,
  GeoJSON; VN-2000 or WGS84) and :mod:`ioc.geography.importer` checks them, all or nothing;
* :mod:`ioc.geography.compare` measures how far two sets of units differ;
* :mod:`ioc.geography.commands` adds ``ioc units import|compare|seed|list|locate``.
"""
