"""The province's geography: default (approximate) units of both eras, boundary imports, CLI.

* :mod:`ioc.geography.defaults` derives the units from the ``vietnamadminunits`` package;
* :mod:`ioc.geography.importer` reads official boundaries from GeoJSON, all or nothing;
* :mod:`ioc.geography.commands` adds ``ioc units import|seed|list|locate``.
"""
