"""The province's network of operations centres (IOCs) as data.

An IOC has a code, a name (Vietnamese, English where known), a kind (province, unit,
department), the unit it was built for, an owner (a unit code or a department's name), an
opening date, an area (unit codes of any era, resolved to today's units through the units'
lineage), its kiosks and its operators, and the public source it is known from. The demo
seeds the ones public reporting names (``data/iocs_lamdong.csv``); ``ioc iocs import``
loads the rest. See docs/iocs.md.
"""
