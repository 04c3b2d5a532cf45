"""EXIF GPS from a JPEG's APP1 segment, read by hand (no imaging library needed).

A photo taken by a phone often carries where it was taken; when a report has no lat/long
this location is offered instead. Only the four GPS tags are read; anything malformed
gives None. The stored photo is re-encoded, so no EXIF survives into the store.
"""

from __future__ import annotations

import struct

GPS_IFD_TAG = 0x8825
RATIONAL = 5
MAX_SEGMENTS = 64


def app1_exif(data: bytes) -> bytes | None:
    """The TIFF block of the first ``Exif`` APP1 segment of a JPEG, or None."""
    if not data.startswith(b"\xff\xd8"):
        return None
    pos = 2
    for _ in range(MAX_SEGMENTS):
        if pos + 4 > len(data) or data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        body = data[pos + 4 : pos + 2 + length]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            return body[6:]
        if marker in (0xDA, 0xD9):  # start of scan / end of image: no more metadata
            return None
        pos += 2 + length
    return None


def _entries(tiff: bytes, offset: int, order: str) -> dict[int, tuple[int, int, bytes]]:
    """The entries of the IFD at ``offset``: tag -> (type, count, 4-byte value field)."""
    (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
    entries = {}
    for index in range(min(count, 512)):
        start = offset + 2 + 12 * index
        tag, kind, n = struct.unpack(order + "HHI", tiff[start : start + 8])
        entries[tag] = (kind, n, tiff[start + 8 : start + 12])
    return entries


def _degrees(tiff: bytes, entry: tuple[int, int, bytes], order: str) -> float:
    kind, count, field = entry
    if kind != RATIONAL or count != 3:
        raise ValueError("GPS coordinate is not three rationals")
    (offset,) = struct.unpack(order + "I", field)
    parts = struct.unpack(order + "6I", tiff[offset : offset + 24])
    d, m, s = (num / den if den else 0.0 for num, den in zip(parts[::2], parts[1::2], strict=True))
    return d + m / 60 + s / 3600


def _ref(entry: tuple[int, int, bytes] | None) -> str:
    return "" if entry is None else entry[2][:1].decode("ascii", "replace")


def gps_lonlat(data: bytes) -> tuple[float, float] | None:
    """``(lon, lat)`` from a JPEG's EXIF GPS tags, or None when absent or unreadable."""
    tiff = app1_exif(data)
    if tiff is None or tiff[:2] not in (b"II", b"MM"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    try:
        (ifd0,) = struct.unpack(order + "I", tiff[4:8])
        gps_entry = _entries(tiff, ifd0, order).get(GPS_IFD_TAG)
        if gps_entry is None:
            return None
        (gps_offset,) = struct.unpack(order + "I", gps_entry[2])
        gps = _entries(tiff, gps_offset, order)
        lat = _degrees(tiff, gps[2], order) * (-1 if _ref(gps.get(1)) == "S" else 1)
        lon = _degrees(tiff, gps[4], order) * (-1 if _ref(gps.get(3)) == "W" else 1)
    except (struct.error, KeyError, ValueError):
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None
