"""Pure parts of the connectors: dotted paths, field mapping, cursors, the sources file,
and the dossier_event sink's checks (the MQTT contract's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioc.connectors.dossier_sink import DossierSink
from ioc.connectors.mapping import (
    MISSING,
    MappingError,
    cursor_key,
    dig,
    fingerprint,
    later_cursor,
    map_record,
    record_id,
)
from ioc.connectors.sinks import Refused, mapping_problems
from ioc.connectors.sources import FieldSpec, SourcesFileError, load_sources
from ioc.kpi.dossiers import DossierIn

PAGE = {"data": {"items": [{"id": 7, "don_vi": {"ma": "24778"}}], "next": None}}


def test_dig_walks_objects_and_lists() -> None:
    assert dig(PAGE, "data.items.0.don_vi.ma") == "24778"
    assert dig(PAGE, "data.items.-1.id") == 7
    assert dig(PAGE, "data.next") is None
    assert dig(PAGE, "data.items.1.id") is MISSING
    assert dig(PAGE, "data.nothing", "fallback") == "fallback"
    assert dig(PAGE, "data.items.id") is MISSING


def test_fields_map_by_path_table_constant_and_default() -> None:
    fields = {
        "unit_code": FieldSpec(path="don_vi.ma"),
        "channel": FieldSpec(path="kenh", values={"1": "online", "2": "in_person"}),
        "published": FieldSpec(value=True),
        "rating": FieldSpec(path="danh_gia"),
        "digitised": FieldSpec(path="so_hoa", default=False),
    }
    mapped = map_record({"don_vi": {"ma": "24778"}, "kenh": 1, "danh_gia": None}, fields)
    assert mapped == {
        "unit_code": "24778",
        "channel": "online",
        "published": True,
        "digitised": False,
    }
    with pytest.raises(MappingError, match=r"channel: kenh=7 is not one of 1, 2"):
        map_record({"kenh": 7}, fields)


def test_record_ids_are_text_and_required() -> None:
    assert record_id({"id": 7}, "id") == "7"
    assert record_id({"a": {"b": "HS-1"}}, "a.b") == "HS-1"
    with pytest.raises(MappingError, match="no record id at 'id'"):
        record_id({"id": ""}, "id")
    with pytest.raises(MappingError, match="not a scalar"):
        record_id({"id": {"x": 1}}, "id")
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})


def test_cursors_compare_as_numbers_times_or_text() -> None:
    assert cursor_key("9") < cursor_key("10")
    assert cursor_key("2026-11-02T08:00:00+07:00") < cursor_key("2026-11-02T02:00:00Z")
    assert later_cursor("9", "10") == "10"
    assert later_cursor("2026-11-02T02:00:00Z", "2026-11-02T08:00:00+07:00") == (
        "2026-11-02T02:00:00Z"
    )
    assert later_cursor(None, "") is None
    assert later_cursor("b", "a") == "b"


SOURCE_YAML = """
sources:
  - name: motcua
    url: https://lgsp.lamdong.gov.vn/motcua/hoso
    auth: {kind: api_key, header: X-LGSP-Key, secret_file: key.txt}
    records: data.items
    paging: {kind: next, next_field: data.next}
    id_field: id
    cursor: {field: updated_at, param: since}
    fields:
      dossier_id: id
      procedure_code: ma_tthc
      unit_code: don_vi.ma
      received_at: ngay_nhan
      event_at: updated_at
"""


def test_a_yaml_sources_file_loads_and_reads_its_secret_file(tmp_path: Path) -> None:
    (tmp_path / "key.txt").write_text("k-123\n", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCE_YAML, encoding="utf-8")
    [source] = load_sources(path)
    assert source.auth.header == "X-LGSP-Key"
    assert source.secret() == "k-123"
    assert source.field_specs()["unit_code"] == FieldSpec(path="don_vi.ma")
    assert mapping_problems(source.target, set(source.fields)) == []


def test_a_toml_sources_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "s"\nurl = "http://127.0.0.1:1/x"\nrecords = "items"\n'
        'id_field = "id"\ncursor = { field = "id" }\n'
        'fields = { dossier_id = "id", channel = { value = "online" } }\n',
        encoding="utf-8",
    )
    [source] = load_sources(path)
    assert source.field_specs()["channel"].value == "online"
    assert mapping_problems("dossier_event", set(source.fields)) == [
        "missing target field(s) event_at, procedure_code, received_at, unit_code"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"auth": "{kind: bearer}"}, "needs a secret_file"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"url": "ftp://x"}, "url: String should match pattern"),
    ],
)
def test_bad_sources_files_are_refused_with_their_reason(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    text = SOURCE_YAML
    for key, value in change.items():
        if f"    {key}:" in text:
            text = "\n".join(
                f"    {key}: {value}" if line.startswith(f"    {key}:") else line
                for line in text.splitlines()
            )
        else:
            text += f"    {key}: {value}\n"
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesFileError, match=message):
        load_sources(path)


def test_unknown_targets_and_fields_are_named() -> None:
    assert mapping_problems("weather", {"x"})[0].startswith("unknown target 'weather'")
    assert "unknown target field(s) colour" in mapping_problems("dossier_event", {"colour"})


GOOD = {
    "dossier_id": "HS-1",
    "procedure_code": "1.001193",
    "unit_code": "24778",
    "received_at": "2026-11-02T08:00:00+07:00",
    "finished_at": "2026-11-02T09:00:00+07:00",
    "event_at": "2026-11-02T09:00:00+07:00",
    "channel": "online",
    "digitised": True,
}


def test_the_dossier_sink_applies_the_mqtt_contract() -> None:
    sink = DossierSink()  # no units loaded: the unit check is the store's (integration tests)
    dossier = sink.convert(GOOD, "s:HS-1:v1")
    assert isinstance(dossier, DossierIn)
    assert dossier.event_at.isoformat() == "2026-11-02T09:00:00+07:00"
    assert dossier.channel == "online" and dossier.digitised is True


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"received_at": "2026-11-02T08:00:00"}, "received_at: Input should have timezone info"),
        ({"digitised": "yes"}, "digitised: Input should be a valid boolean"),
        ({"event_at": None}, "event_at: Input should be a valid datetime"),
        ({"rating": 9}, "rating: Input should be less than or equal to 5"),
        ({"finished_at": "2026-11-01T00:00:00+07:00"}, "finished_at is before received_at"),
    ],
)
def test_the_dossier_sink_refuses_what_mqtt_refuses(change: dict[str, object], reason: str) -> None:
    refused = DossierSink().convert({**GOOD, **change}, "s:HS-1:v1")
    assert isinstance(refused, Refused)
    assert refused.reason.startswith(reason)


DOC = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"


def test_the_docs_example_is_a_valid_sources_file(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    example = text.split("## The sources file\n\n```yaml\n", 1)[1].split("\n```", 1)[0]
    path = tmp_path / "sources.yaml"
    path.write_text(example, encoding="utf-8")
    (tmp_path / "motcua.token").write_text("t\n", encoding="utf-8")
    [source] = load_sources(path)
    assert source.secret() == "t"
    assert mapping_problems(source.target, set(source.fields)) == []
    assert set(source.fields) == DossierSink.fields  # the example maps every field


def test_value_tables_take_numbers_or_text_as_keys() -> None:
    spec = FieldSpec.model_validate({"path": "kenh", "values": {1: "online", "2": "in_person"}})
    assert spec.values == {"1": "online", "2": "in_person"}
    assert map_record({"kenh": 1}, {"channel": spec}) == {"channel": "online"}
    assert map_record({"kenh": "2"}, {"channel": spec}) == {"channel": "in_person"}
    flags = FieldSpec.model_validate({"path": "f", "values": {True: "online"}})
    assert map_record({"f": True}, {"channel": flags}) == {"channel": "online"}
