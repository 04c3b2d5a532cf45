"""REST sources declared as data: the file format of ``connectors.sources_file``.

A YAML or TOML file with a list ``sources``; each source names its URL, its auth (the
secret in a file of its own, never inline), where the records are in a response, how to
page, which field is the record id and which the cursor, and how fields map onto the
target kind's fields (``dossier_event`` today). Unknown keys are errors, like settings.
See docs/connectors.md for an example.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from ioc.secret_files import read_secret_file

Name = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w.-]+$")]
DottedPath = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthSpec(Strict):
    """``bearer``: ``Authorization: Bearer <secret>``; ``api_key``: ``<header>: <secret>``."""

    kind: Literal["none", "bearer", "api_key"] = "none"
    header: str = Field("X-API-Key", description="Header of an api_key.")
    secret_file: str = Field(
        "", description="File holding the token or key (relative to the sources file)."
    )


class PagingSpec(Strict):
    """``next``: the response names the next page's URL at ``next_field`` (null at the end);
    ``page``: page/size query parameters, ending at a short or empty page; ``none``."""

    kind: Literal["none", "next", "page"] = "none"
    next_field: DottedPath = "next"
    page_param: str = "page"
    size_param: str = "size"
    size: int = Field(100, ge=1, le=10_000)
    first_page: int = Field(1, ge=0)


class CursorSpec(Strict):
    """The record field that grows with each change (``updated_at``, an increasing id), and
    the query parameter that asks the source for records from a cursor value on."""

    field: DottedPath
    param: str = ""


class FieldSpec(Strict):
    """Where one target field comes from: a dotted ``path`` in the record (with an optional
    ``values`` translation of what is found there), or a constant ``value``."""

    path: DottedPath | None = None
    values: dict[str, Any] | None = None
    value: Any = None
    default: Any = None

    @field_validator("values", mode="before")
    @classmethod
    def _keys_as_text(cls, table: Any) -> Any:
        """``{1: online}`` and ``{"1": online}`` mean the same (YAML and TOML differ)."""
        if not isinstance(table, dict):
            return table
        return {_key_text(k): v for k, v in table.items()}


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


class SourceSpec(Strict):
    """One REST source."""

    name: Name
    url: Annotated[str, StringConstraints(pattern=r"^https?://")]
    target: Name = "dossier_event"
    auth: AuthSpec = Field(default_factory=AuthSpec)
    records: DottedPath = Field(description="Dotted path to the list of records, e.g. data.items")
    paging: PagingSpec = Field(default_factory=PagingSpec)
    id_field: DottedPath = Field(description="Dotted path to the record's id at the source.")
    cursor: CursorSpec
    fields: dict[str, DottedPath | FieldSpec]
    params: dict[str, str] = Field(default_factory=dict, description="Extra query parameters.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra headers.")
    interval_s: float | None = Field(None, gt=0, description="Overrides connectors.interval_s.")
    enabled: bool = True
    base_dir: Path = Field(Path("."), exclude=True)

    def field_specs(self) -> dict[str, FieldSpec]:
        return {k: FieldSpec(path=v) if isinstance(v, str) else v for k, v in self.fields.items()}

    def secret(self) -> str:
        """The token or key, read from its file now (so a rotated secret is picked up)."""
        path = Path(self.auth.secret_file).expanduser()
        return read_secret_file(path if path.is_absolute() else self.base_dir / path)


class SourcesFile(Strict):
    sources: list[SourceSpec] = Field(default_factory=list)


class SourcesFileError(ValueError):
    """The sources file cannot be used; the message names the file and the bad keys."""


def load_sources(path: Path) -> list[SourceSpec]:
    """The sources declared in a YAML (``.yaml``/``.yml``) or TOML (``.toml``) file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SourcesFileError(f"{path}: not valid {path.suffix or 'YAML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise SourcesFileError(f"{path}: the top level must be a mapping with 'sources'")
    for item in data.get("sources") or []:
        if isinstance(item, dict):
            item["base_dir"] = path.resolve().parent
    try:
        sources = SourcesFile.model_validate(data).sources
    except ValidationError as exc:
        raise SourcesFileError(f"{path}: {_problems(exc)}") from exc
    return _checked(path, sources)


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:8]
    )


def _checked(path: Path, sources: list[SourceSpec]) -> list[SourceSpec]:
    names = [s.name for s in sources]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SourcesFileError(f"{path}: source names used twice: {', '.join(twice)}")
    for source in sources:
        if source.auth.kind != "none" and not source.auth.secret_file:
            raise SourcesFileError(
                f"{path}: source {source.name}: auth {source.auth.kind} needs a secret_file "
                "(secrets are never written inline)"
            )
    return sources
