"""Personal data in text, and who may read it: the one masking function of the IOC.

Contact fields (name, e-mail, phone) are kept apart in ``report_contacts`` and never read
for pages or the API. But citizens also type them into the description or the address
("gọi tôi 0909 123 456", "nhà chị Lan, lan@example.vn, số 12/3 Phan Đình Phùng"), and
staff into status notes. :func:`redact` masks e-mail addresses, phone numbers (Vietnamese
mobile and landline forms, with or without +84, spaced, dotted, bracketed or half hidden
with x), long digit runs (ID card and account numbers), people's names after a form of
address ("chị Lan", "ông Nguyễn Văn Tư", "tôi là Hùng") and house numbers ("số 12",
"hẻm 45/7", "12 Trần Phú"), and drops control characters.

The public Open311 API always publishes the masked text; pages and exports show it masked
unless the reader needs to contact the citizen (:func:`shown`): the operators, field
staff and admins who may change the report's unit, never leaders, viewers or kiosks.
"""

from __future__ import annotations

import re

MASK = "***"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese numbers: 0…, 84… or +84… then 8-10 more digits (or x's hiding some), separated
# or not by ' ', '.', '-', with the area code perhaps in brackets: "(028) 3829 1234".
PHONE = re.compile(
    r"(?<![\w+])(?:\(\s*(?:\+84|0)\d{1,3}\s*\)(?:[ .\-]?[\dxX]){6,8}"
    r"|(?:\+84|84|0)(?:[ .\-]?(?:\(0\)\s*)?[\dxX]){8,10})(?!\w)"
)
# Any 9 or more digits in a row (ID card, bank account, a phone written another way).
LONG_NUMBER = re.compile(r"(?<!\w)\d(?:[ .\-]?\d){8,}(?!\w)")
HOUSE = r"\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)*"
# A house number after the words that announce one, or before a street's capitalised name.
HOUSE_AFTER_WORD = re.compile(
    rf"(?i)\b(số nhà|nhà số|số|nhà|hẻm|ngõ|ngách|kiệt|tổ)(\s+){HOUSE}(?![\w/])"
)
HOUSE_BEFORE_STREET = re.compile(rf"(?<![\w/.,:]){HOUSE}(?=\s+(?:đường\s+|phố\s+)?[A-ZĐ]\w)")
# A person's name: capitalised words after a form of address or "tôi là" / "tên là".
NAME = re.compile(
    r"\b(anh|chị|ông|bà|cô|chú|bác|em|tôi là|tên là|Anh|Chị|Ông|Bà|Cô|Chú|Bác)"
    r"(\s+)([^\W\d_]+(?:\s+[^\W\d_]+){0,3})"
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _name(match: re.Match[str]) -> str:
    """The capitalised words that follow a form of address, masked as one name."""
    words = match.group(3).split()
    capitalised = 0
    while capitalised < len(words) and words[capitalised][0].isupper():
        capitalised += 1
    if not capitalised:
        return match.group(0)
    rest = match.group(3).split(None, capitalised)[capitalised:]
    return match.group(1) + match.group(2) + MASK + (" " + rest[0] if rest else "")


def _after_word(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2) + MASK


def redact(text: str | None) -> str:
    """``text`` with e-mail addresses, phone numbers, long numbers, names after a form of
    address and house numbers masked (``***``), and control characters dropped."""
    if not text:
        return ""
    cleaned = CONTROL.sub("", text)
    for pattern in (EMAIL, PHONE, LONG_NUMBER):
        cleaned = pattern.sub(MASK, cleaned)
    cleaned = NAME.sub(_name, cleaned)
    cleaned = HOUSE_AFTER_WORD.sub(_after_word, cleaned)
    return HOUSE_BEFORE_STREET.sub(MASK, cleaned)


def shown(text: str | None, contact: bool) -> str:
    """``text`` as a reader sees it: whole (control characters aside) for someone who may
    contact the citizen (``contact``), else :func:`redact`-ed."""
    if not contact:
        return redact(text)
    return CONTROL.sub("", text or "")
