"""A tiny text extractor for the PDFs reportlab writes (subset TrueType fonts with ToUnicode maps).

Used when ``pdftotext`` (poppler-utils) is not installed, so that the tests can still prove the
forms carry real, extractable Vietnamese text rather than boxes.
"""

from __future__ import annotations

import base64
import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n")


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    out = {}
    for m in _OBJ.finditer(data):
        body = m.group(2)
        sm = _STREAM.search(body)
        stream = None
        length = re.search(rb"/Length (\d+)", body)
        if sm and length:
            head = body[: sm.start()]
            stream = body[sm.end(): sm.end() + int(length.group(1))]
            if b"ASCII85Decode" in head:
                stream = base64.a85decode(stream.strip().removesuffix(b"~>"), adobe=False)
            if b"FlateDecode" in head:
                stream = zlib.decompress(stream)
            body = head
        out[int(m.group(1))] = (body, stream)
    return out


def _cmap(stream: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for a, b, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                table[code] = chr(start + i)
    return table


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):  # backslash
            n = raw[i + 1]
            if 0x30 <= n <= 0x37:
                j = i + 1
                digits = b""
                while j < len(raw) and len(digits) < 3 and 0x30 <= raw[j] <= 0x37:
                    digits += bytes([raw[j]])
                    j += 1
                out.append(int(digits, 8) & 0xFF)
                i = j
                continue
            out.append({0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def extract_text(data: bytes) -> str:
    objs = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for body, _stream in objs.values():
        if b"/Font" in body and b"/ToUnicode" in body:
            name = re.search(rb"/Name\s*/([^\s/>]+)", body)
            ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
            if name and ref and objs.get(int(ref.group(1)), (b"", None))[1]:
                fonts[name.group(1)] = _cmap(objs[int(ref.group(1))][1])
    parts: list[str] = []
    for _body, stream in objs.values():
        if stream is None or b"Tf" not in stream:
            continue
        current: dict[int, str] | None = None
        for m in re.finditer(rb"/([^\s/]+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|(T\*|Td|TD|ET)", stream, re.S):
            if m.group(1) is not None:
                current = fonts.get(m.group(1))
            elif m.group(2) is not None:
                raw = _unescape(m.group(2))
                parts.append("".join(current.get(b, "?") for b in raw) if current else raw.decode("latin-1"))
            else:
                parts.append("\n" if m.group(3) in (b"T*", b"ET") else "")
    return re.sub(r"[ \t]+", " ", "".join(parts))
