"""Signed file links on made-up data: what verifies, and everything that must not."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from ioc.file_links import SLACK_S, FileLinks

KEY = b"k" * 32
NOW = 1_800_000_000
PATH = "/files/snapshots/CAM-A/20260310T055000000Z-smoke-aaaaaa.jpg"
LINKS = FileLinks(KEY, 24 * 3600)


def signed(path: str = PATH, now: float = NOW, links: FileLinks = LINKS) -> dict[str, str]:
    exp, sig = (part.split("=", 1)[1] for part in links.query(path, now).split("&"))
    return {"exp": exp, "sig": sig}


def query(fields: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in fields.items())


def test_a_fresh_link_verifies_for_its_path_until_it_expires() -> None:
    good = query(signed())
    assert LINKS.verify(PATH, good, NOW)
    assert LINKS.verify(PATH, good.encode(), NOW + 3600)  # raw bytes as WSGI gives them
    assert LINKS.verify(PATH, good, NOW + 24 * 3600 - 1)
    assert not LINKS.verify(PATH, good, NOW + 24 * 3600)  # expired
    assert not LINKS.verify(PATH, good, NOW + 10**7)
    assert len(signed()["sig"]) == 43  # URL-safe base 64 of 32 bytes, no padding


def test_the_order_of_the_two_fields_does_not_matter() -> None:
    fields = signed()
    assert LINKS.verify(PATH, f"sig={fields['sig']}&exp={fields['exp']}", NOW)


@pytest.mark.parametrize(
    "other",
    [
        "/files/snapshots/CAM-A/20260310T055000000Z-smoke-bbbbbb.jpg",
        "/files/snapshots/CAM-A/20260310T055000000Z-smoke-aaaaaa.jpg/",
        "/files/snapshots/CAM-A/../CAM-A/20260310T055000000Z-smoke-aaaaaa.jpg",
        "/files/snapshots/cam-a/20260310T055000000Z-smoke-aaaaaa.jpg",
        PATH + "\x00",
        "",
    ],
)
def test_a_signature_is_for_one_path_only(other: str) -> None:
    assert not LINKS.verify(other, query(signed()), NOW)


def test_a_tampered_expiry_or_signature_is_refused() -> None:
    fields = signed()
    later = {**fields, "exp": str(int(fields["exp"]) + 1)}
    earlier = {**fields, "exp": str(int(fields["exp"]) - 1)}
    flipped = fields["sig"][:-1] + ("A" if fields["sig"][-1] != "A" else "B")
    for bad in (later, earlier, {**fields, "sig": flipped}, {**fields, "sig": fields["sig"][::-1]}):
        assert not LINKS.verify(PATH, query(bad), NOW), bad


def test_another_key_or_another_purpose_does_not_verify() -> None:
    other = FileLinks(b"o" * 32, 24 * 3600)
    assert not other.verify(PATH, query(signed()), NOW)
    assert not LINKS.verify(PATH, query(signed(links=other)), NOW)


def test_a_link_cannot_live_longer_than_the_lifetime_allows() -> None:
    long_lived = FileLinks(KEY, 30 * 24 * 3600)  # same key, someone signed for a month
    assert not LINKS.verify(PATH, query(signed(links=long_lived)), NOW)
    skewed = FileLinks(KEY, 24 * 3600 + SLACK_S)  # a clock a little ahead is tolerated
    assert LINKS.verify(PATH, query(signed(links=skewed)), NOW)
    beyond = FileLinks(KEY, 24 * 3600 + SLACK_S + 1)
    assert not LINKS.verify(PATH, query(signed(links=beyond)), NOW)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "exp=1800086400",
        "sig=" + "A" * 43,
        "{good}&x=1",  # nothing else accepted
        "{good}&exp={exp}",  # a field twice
        "{good}&sig={sig}",
        "{good}&",
        "&{good}",
        "exp=&sig={sig}",
        "exp=-1&sig={sig}",
        "exp=+{exp}&sig={sig}",
        "exp= {exp}&sig={sig}",
        "exp={exp}.0&sig={sig}",
        "exp=0x10&sig={sig}",
        "exp=1e10&sig={sig}",
        "exp=９{exp}&sig={sig}",  # a full-width digit
        "exp={exp}&sig=",
        "exp={exp}&sig={sig}=",  # padding
        "exp={exp}&sig={sig}A",
        "exp={exp}&sig={hex}",  # hex of the same MAC is not the form
        "exp={exp}&sig=" + "é" * 43,
        "exp={exp}&sig=" + "%FF" * 43,
        "exp={exp};sig={sig}",
        "exp={exp}&sig={sig}" + "&a" * 200,
        "EXP={exp}&SIG={sig}",
        "garbage",
        "==&&==",
    ],
)
def test_missing_parts_and_garbage_are_refused(raw: str) -> None:
    fields = signed()
    mac = (fields["sig"] + "=").encode()
    text = raw.format(
        good=query(fields),
        exp=fields["exp"],
        sig=fields["sig"],
        hex=base64.urlsafe_b64decode(mac).hex(),
    )
    assert not LINKS.verify(PATH, text, NOW), text


@pytest.mark.parametrize("raw", [None, 12, 1.5, ["exp=1"], {"exp": "1"}, b"\xff\xfe", object()])
def test_wrong_types_are_refused(raw: object) -> None:
    assert not LINKS.verify(PATH, raw, NOW)


def test_keys_too_short_and_lifetimes_not_positive_are_errors() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        FileLinks(b"short", 3600)
    with pytest.raises(ValueError, match="positive"):
        FileLinks(KEY, 0)
    assert "k" * 16 not in repr(LINKS)


def test_the_url_is_absolute_quoted_and_verifies_as_the_server_decodes_it() -> None:
    path = "/files/snapshots/CAM-Đà Lạt/a b.jpg"
    url = LINKS.url("https://ioc.lamdong.gov.vn/", path, NOW)
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "ioc.lamdong.gov.vn"
    assert parts.path == "/files/snapshots/CAM-%C4%90%C3%A0%20L%E1%BA%A1t/a%20b.jpg"
    assert LINKS.verify(path, parts.query, NOW)  # the server sees the decoded path
