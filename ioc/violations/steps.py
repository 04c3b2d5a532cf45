"""The words of violation cases as data, and the pure rules over them.

* kinds of a case (``KINDS``), verdicts of a change candidate (``VERDICTS``);
* the steps of a case in their one order (``STEPS``): kiểm tra → lập biên bản → quyết định
  xử phạt → buộc khắc phục → đã khắc phục. A case is ``opened`` before its first step and
  closed by ``remedy_done``; no step is skipped, none is done twice, and a step's date is
  never before the previous step's date nor after today;
* the age bands the unit page counts open cases in, the last of them "overdue";
* the case kind a citizen report's category suggests.

Pure functions of their arguments: tested without a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

KINDS: tuple[str, ...] = (
    "unpermitted_construction",  # xây dựng không phép
    "land_encroachment",  # lấn chiếm đất
    "street_encroachment",  # lấn chiếm lòng đường, vỉa hè
    "deforestation",  # phá rừng
    "illegal_mining",  # khai thác khoáng sản trái phép
    "other",
)
OPENED = "opened"
STEPS: tuple[str, ...] = (
    "inspected",  # kiểm tra
    "record_made",  # lập biên bản
    "sanction_decided",  # quyết định xử phạt: number and amount
    "remedy_required",  # buộc khắc phục hậu quả
    "remedy_done",  # đã khắc phục
)
CLOSING_STEP = STEPS[-1]
VERDICTS: tuple[str, ...] = ("new_construction", "forest_clearing", "known_project", "nothing")
# A case can be opened from a candidate only when its verdict found something to pursue.
CASE_VERDICTS: dict[str, str] = {
    "new_construction": "unpermitted_construction",
    "forest_clearing": "deforestation",
}
HINTS: tuple[str, ...] = ("structure", "clearing", "other")
ORIGINS: tuple[str, ...] = ("candidate", "report", "incident")
# A case open for OVERDUE_DAYS or more is in the last age band: overdue (the overview says
# how many).
OVERDUE_DAYS = 90
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("lt30", 30),
    ("d30_90", OVERDUE_DAYS),
    ("gt90", None),
)
OVERDUE_BAND = AGE_BANDS[-1][0]
# The kind a report of these categories (data/report_categories.csv) suggests for its case;
# the operator may pick another, and other categories suggest none.
REPORT_KINDS: dict[str, str] = {
    "trat_tu_xay_dung": "unpermitted_construction",
    "trat_tu_do_thi": "street_encroachment",
    "quan_ly_bao_ve_rung": "deforestation",
}
MAX_AMOUNT_VND = 10**12  # far above any administrative fine; a typo guard, not a legal limit


class StepError(ValueError):
    """A step the case's order does not allow, or one missing what it must carry.

    ``code`` names the reason for a translated message (``case.error.<code>``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StepEntry:
    """What an officer records for one step."""

    step: str
    done_on: date
    officer: str
    document: str
    decision_no: str = ""
    amount_vnd: int | None = None
    note: str = ""


def next_step(current: str) -> str | None:
    """The one step a case at ``current`` may take next (None once remedied)."""
    if current == OPENED:
        return STEPS[0]
    if current not in STEPS:
        raise StepError("unknown_step", f"unknown case step {current!r}")
    index = STEPS.index(current)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def is_open(current: str) -> bool:
    return current != CLOSING_STEP


def check_step(current: str, last_date: date | None, entry: StepEntry, today: date) -> None:
    """Raise :class:`StepError` unless ``entry`` may follow a case at ``current`` whose last
    step was dated ``last_date``, on ``today`` (local date)."""
    if entry.step not in STEPS:
        raise StepError("unknown_step", f"unknown case step {entry.step!r}")
    expected = next_step(current)
    if expected is None:
        raise StepError("closed", "the case is closed: its remedy is done")
    if entry.step != expected:
        raise StepError(
            "order", f"step {entry.step!r} cannot follow {current!r}; the next step is {expected!r}"
        )
    if not entry.officer.strip():
        raise StepError("no_officer", "a step needs the officer who did it")
    if not entry.document.strip():
        raise StepError("no_document", "a step needs its document reference")
    if entry.done_on > today:
        raise StepError("future", f"a step cannot be dated after today ({today})")
    if last_date is not None and entry.done_on < last_date:
        raise StepError("before_previous", f"a step cannot be dated before {last_date}")
    if entry.step == "sanction_decided":
        _check_sanction(entry)


def _check_sanction(entry: StepEntry) -> None:
    if not entry.decision_no.strip():
        raise StepError("no_decision", "a sanction needs its decision number")
    amount = entry.amount_vnd
    if amount is None or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT_VND:
        raise StepError("no_amount", "a sanction needs its amount in VND (a positive number)")


def check_verdict(verdict: str, permit_no: str) -> None:
    """Raise :class:`StepError` unless ``verdict`` is known and a known project names its
    permit."""
    if verdict not in VERDICTS:
        raise StepError("unknown_verdict", f"unknown verdict {verdict!r}")
    if verdict == "known_project" and not permit_no.strip():
        raise StepError("no_permit", "a known project needs its permit number")


def age_band(days: float) -> str:
    """The band of an open case ``days`` old: ``lt30``, ``d30_90`` or ``gt90``."""
    for name, limit in AGE_BANDS:
        if limit is None or days < limit:
            return name
    return AGE_BANDS[-1][0]  # pragma: no cover (the last band has no limit)


def parse_amount(text: object) -> int | None:
    """An amount in VND as typed: ``1.500.000``, ``1 500 000`` or ``1500000``; else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        return None
    digits = text.strip().replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 13:
        return None
    return int(digits)
