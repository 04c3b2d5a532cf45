"""What the public Open311 API may not repeat: personal details typed into a report's text.

Contact fields (name, e-mail, phone) are kept apart in ``report_contacts`` and never read
for the API. But citizens also type them into the description or the address ("gọi tôi
0909 123 456", "nhà chị Lan, lan@example.vn"), and staff into status notes. Before a
report's text is published, e-mail addresses, phone numbers and long digit runs (ID card
and account numbers) are masked, and control characters dropped.
"""

from __future__ import annotations

import re

MASK = "***"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese numbers: 0xx.. or +84/84 and 8-10 more digits, separated or not by ' ', '.', '-'.
PHONE = re.compile(r"(?<!\w)(?:\+84|84|0)(?:[ .\-]?\d){8,10}(?!\w)")
# Any 9 or more digits in a row (ID card, bank account, a phone written another way).
LONG_NUMBER = re.compile(r"(?<!\w)\d(?:[ .\-]?\d){8,}(?!\w)")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def redact(text: str | None) -> str:
    """``text`` with e-mail addresses, phone numbers and long numbers masked."""
    if not text:
        return ""
    cleaned = CONTROL.sub("", text)
    for pattern in (EMAIL, PHONE, LONG_NUMBER):
        cleaned = pattern.sub(MASK, cleaned)
    return cleaned
