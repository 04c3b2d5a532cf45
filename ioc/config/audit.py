"""Settings of the audit log's anchor: signed checkpoints of the chain kept outside the store.

The key signs checkpoints and never goes into the database, so whoever can rewrite the
database (delete the newest rows, rewind the chain head, restore an older copy) cannot make
checkpoints that agree with the rewrite. Point ``audit.anchor_key_file`` at a file readable
by the IOC's service only (or set ``IOC_AUDIT__ANCHOR_KEY`` from a secret store).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from ioc.config.section import Section

MIN_KEY_BYTES = 16
DEFAULT_ANCHOR_FILE = "audit_anchor.jsonl"  # under var_dir
ANCHOR_KEY_FILE = "audit_anchor_key"  # under var_dir: the key python app.py makes for itself


class AuditSettings(Section):
    anchor_file: str = Field(
        "",
        description="Append-only file of signed checkpoints of the audit chain; empty: "
        "<var_dir>/audit_anchor.jsonl. Best on other storage than the database's.",
    )
    anchor_key: SecretStr = Field(
        SecretStr(""),
        description="Key (16+ characters) signing the checkpoints; never stored in the "
        "database. Empty (and no anchor_key_file): no checkpoints are written.",
    )
    anchor_key_file: str = Field("", description="File holding the checkpoint key.")
    checkpoint_minutes: float = Field(
        10, gt=0, le=24 * 60, description="How often the maintenance role writes a checkpoint."
    )

    def anchor_path(self, var_dir: Path) -> Path:
        return Path(self.anchor_file) if self.anchor_file else var_dir / DEFAULT_ANCHOR_FILE

    def key_or_demo(self, var_dir: Path) -> bytes | None:
        """:meth:`anchor_secret`, or the key ``python app.py`` made in ``var_dir``."""
        key = self.anchor_secret()
        demo = var_dir / ANCHOR_KEY_FILE
        if key is None and demo.is_file():
            key = demo.read_text(encoding="utf-8").strip().encode() or None
        return key

    def anchor_secret(self) -> bytes | None:
        """The checkpoint key (from its file or the setting); None: anchoring is off.

        A key file that cannot be read, or a key shorter than 16 bytes, is an error."""
        if self.anchor_key_file:
            key = Path(self.anchor_key_file).read_text(encoding="utf-8").strip()
        else:
            key = self.anchor_key.get_secret_value().strip()
        if not key:
            return None
        if len(key.encode()) < MIN_KEY_BYTES:
            raise ValueError(f"the audit anchor key must be {MIN_KEY_BYTES} bytes or longer")
        return key.encode()
