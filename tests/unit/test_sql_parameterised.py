"""No SQL is built from strings at run time: values always travel as bound parameters.

Every call that runs SQL text (``text()``, ``execute``, ``exec_driver_sql``, ``copy``...)
is found in the source; one whose SQL is an f-string, ``.format``, ``%`` or ``+`` must be in
:data:`REVIEWED`, where each such place interpolates only constants of its own module
(table and column names), never anything a request, a message or a file can carry.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["app.py", "ioc", "layers", "camera"]  # bench/ makes its own databases by name
SQL_CALLS = {"text", "execute", "exec_driver_sql", "executescript", "executemany", "copy"}

# Modules that build DDL, which takes no bind parameters: every name they interpolate is a
# table of the PARTITIONED registry, a partition name made from a date, or read from the
# catalog, and goes through the dialect's identifier quoting; values are bound (:cut).
REVIEWED_MODULES = {
    "ioc/store/partitions.py",
    "ioc/store/partition_convert.py",
    "ioc/maintenance/rows.py",
}

# (file, the built SQL's source) -> why it is safe.
REVIEWED = {
    ("ioc/ingest/write_sensors.py", "f'COPY {STAGE} ({columns}) FROM STDIN'"): "constants",
    (
        "ioc/ingest/write_sensors.py",
        'f"INSERT INTO sensor_readings ({columns}) SELECT {columns} FROM {STAGE} '
        "ON CONFLICT ({', '.join(MESSAGE_KEY)}) DO NOTHING\"",
    ): "STAGE, COLUMNS and MESSAGE_KEY are module constants",
    (
        "ioc/reports/bulk.py",
        "f\"COPY citizen_reports ({', '.join(REPORT_COLUMNS)}) FROM STDIN\"",
    ): "REPORT_COLUMNS is a module constant",
    ("ioc/reports/bulk.py", "f'COPY report_status_changes ({columns}) FROM STDIN'"): "constants",
    (
        "ioc/store/migrations/versions/0007_incidents.py",
        "SQLITE_GUARDS.format(op=name, OP=name.upper())",
    ): "name runs over a constant tuple of operations",
    (
        "ioc/store/migrations/versions/0013_audit_log.py",
        "SQLITE_GUARD.format(op=name, OP=name.upper())",
    ): "name runs over a constant tuple of operations",
}


def built_string(node: ast.expr) -> bool:
    """Whether ``node`` builds a string at run time (rather than naming or being one)."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    )


def sql_built_from_strings() -> set[tuple[str, str]]:
    found = set()
    for source in SOURCES:
        base = ROOT / source
        paths = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in SQL_CALLS and built_string(node.args[0]):
                    if path.relative_to(ROOT).as_posix() in REVIEWED_MODULES:
                        continue
                    found.add((path.relative_to(ROOT).as_posix(), ast.unparse(node.args[0])))
    return found


def test_sql_is_never_built_from_values() -> None:
    found = sql_built_from_strings()
    unreviewed = found - set(REVIEWED)
    assert not unreviewed, f"SQL built from strings; bind the values as parameters: {unreviewed}"
    assert set(REVIEWED) <= found, "a reviewed place is gone: drop it from REVIEWED"


def test_the_check_finds_string_built_sql() -> None:
    bad = ast.parse("conn.execute(text(f\"SELECT * FROM cameras WHERE id = '{camera}'\"))")
    calls = [n for n in ast.walk(bad) if isinstance(n, ast.Call) and n.args]
    assert any(built_string(call.args[0]) for call in calls)
    assert not built_string(ast.parse("text('SELECT 1 WHERE id = :id')").body[0].value.args[0])  # type: ignore[attr-defined]
