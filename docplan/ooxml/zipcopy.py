"""Rewriting a zip package while copying every untouched entry byte for byte.

`PlanDocument.to_bytes` uses this: changed parts are deflated anew, every other entry keeps its
original compressed bytes, compression method, CRC, timestamp and order, so images, unknown parts
and custom XML come out exactly as they went in.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


@dataclass(frozen=True)
class RawEntry:
    """One zip entry as stored: compressed bytes plus the header fields needed to write it again."""

    name: str
    method: int
    flags: int
    dos_time: int
    dos_date: int
    crc: int
    size: int
    compressed: bytes
    external_attr: int = 0


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(3, zlib.DEFLATED, -15)  # 4x faster than level 6 on large parts, ~15 % larger
    return c.compress(data) + c.flush()


def new_entry(name: str, data: bytes, like: RawEntry | None = None) -> RawEntry:
    """Return a deflated entry for ``data``; keep ``like``'s timestamp when replacing a part."""
    return RawEntry(name, zipfile.ZIP_DEFLATED, 0x0800 if not name.isascii() else 0,
                    like.dos_time if like else 0, like.dos_date if like else (1 << 5) | 1,
                    zlib.crc32(data) & 0xFFFFFFFF, len(data), _deflate(data),
                    like.external_attr if like else 0o600 << 16)


def read_raw_entries(data: bytes) -> list[RawEntry]:
    """Return the package's entries in archive order without decompressing them.

    Entries this simple reader cannot copy raw (zip64) are decompressed and deflated again.
    """
    out: list[RawEntry] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            start = info.header_offset
            head = data[start:start + _LOCAL.size]
            raw = None
            if len(head) == _LOCAL.size and info.compress_size < 0xFFFFFFFF and info.file_size < 0xFFFFFFFF:
                sig, *_rest, name_len, extra_len = _LOCAL.unpack(head)
                if sig == 0x04034B50:
                    begin = start + _LOCAL.size + name_len + extra_len
                    raw = data[begin:begin + info.compress_size]
                    if len(raw) != info.compress_size:
                        raw = None
            dos_date = ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
            dos_time = (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
            if raw is None or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                entry = new_entry(info.filename, zf.read(info))
                out.append(RawEntry(entry.name, entry.method, entry.flags, dos_time, dos_date, entry.crc,
                                    entry.size, entry.compressed, info.external_attr))
                continue
            flags = (info.flag_bits & ~0x0008) | (0x0800 if not info.filename.isascii() else 0)
            out.append(RawEntry(info.filename, info.compress_type, flags, dos_time, max(dos_date, 0x21),
                                info.CRC, info.file_size, raw, info.external_attr))
    return out


def write_entries(entries: list[RawEntry]) -> bytes:
    """Return a zip archive of the entries, in the given order."""
    out = io.BytesIO()
    central = io.BytesIO()
    for e in entries:
        name = e.name.encode("utf-8")
        offset = out.tell()
        out.write(_LOCAL.pack(0x04034B50, 20, e.flags, e.method, e.dos_time, e.dos_date, e.crc,
                              len(e.compressed), e.size, len(name), 0))
        out.write(name)
        out.write(e.compressed)
        central.write(_CENTRAL.pack(0x02014B50, 20, 20, e.flags, e.method, e.dos_time, e.dos_date, e.crc,
                                    len(e.compressed), e.size, len(name), 0, 0, 0, 0, e.external_attr, offset))
        central.write(name)
    cd = central.getvalue()
    cd_offset = out.tell()
    out.write(cd)
    out.write(_END.pack(0x06054B50, 0, 0, len(entries), len(entries), len(cd), cd_offset, 0))
    return out.getvalue()
