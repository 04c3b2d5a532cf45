"""Sub-commands of the ``ioc`` CLI that belong to no single room (config, db, cameras, start).

Each room's own sub-commands live in its ``commands`` module; all of them build their
parsers with :func:`ioc.subcommand.add_command`.
"""
