"""Vietnamese text: NFC normalisation, accent folding, Vietnamese name sorting, display formats."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

# Đ/đ do not decompose; Ð/ð (U+00D0/U+00F0, eth) is what legacy TCVN3/VNI converters often produce for them.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_ETH_TO_D_STROKE = str.maketrans({"ð": "đ", "Ð": "Đ"})
_SPACES = re.compile(r"\s+")

# Vietnamese alphabet order (29 letters); f, j, w, z sort after their Latin neighbours.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i + 1 for i, ch in enumerate(_ALPHABET)}
# Tones: none, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot below).
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter (ă, â, ê, ô, ơ, ư), kept while tones are removed.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


# Invisible characters that copy-paste from Word/web pages leaves behind, and control characters.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def nfc(value: str | None) -> str:
    """NFC-normalise and trim; collapse runs of white space inside one line; drop invisible
    characters (zero-width spaces, soft hyphens, byte-order marks, control characters)."""
    if value is None:
        return ""
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in value.strip().splitlines())


def fold(value: str | None) -> str:
    """Lower-case, strip every diacritic and fold đ→d: "Nguyễn Văn Đức" → "nguyen van duc"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def tokens(value: str | None) -> list[str]:
    """Folded words of a text, for the search index."""
    return [t for t in re.split(r"[^0-9a-z]+", fold(value)) if t]


def _split_letter(ch: str) -> tuple[str, int]:
    """Return the base Vietnamese letter (with ă â ê ô ơ ư đ kept) and its tone number."""
    decomposed = unicodedata.normalize("NFD", ch.lower().translate(_ETH_TO_D_STROKE))
    tone = 0
    kept = []
    for c in decomposed:
        if c in _TONE_MARKS:
            tone = _TONE_MARKS[c]
        else:
            kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _word_key(word: str) -> tuple[str, str]:
    primary, secondary = [], []
    for ch in word:
        base, tone = _split_letter(ch)
        rank = _LETTER_RANK.get(base)
        if rank is None:
            if base.isdigit():
                rank = 40 + int(base)
            else:
                continue
        primary.append(f"{rank:02d}")
        secondary.append(str(tone))
    return "".join(primary), "".join(secondary)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name."""
    parts = nfc(full_name).split(" ")
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def name_sort_key(full_name: str) -> str:
    """A digits-only key that sorts people the Vietnamese way, identically on every database.

    Order: given name, then middle name, then family name, each by the Vietnamese alphabet
    (a ă â b c d đ e ê …); tones only break ties. "00" separates parts so that a shorter
    name sorts before a longer one that starts the same.
    """
    family, middle, given = split_name(full_name)
    prim, sec = [], []
    for part in (given, middle, family):
        p, s = _word_key(part.replace(" ", ""))
        prim.append(p)
        sec.append(s)
    return "00".join(prim) + "0000" + "".join(sec)


def format_money(amount: int | float | Decimal | None, *, unit: str = "đ") -> str:
    """1234567 → "1.234.567 đ" (rounded half up to whole đồng)."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    grouped = f"{abs(int(value)):,}".replace(",", ".")
    return f"{sign}{grouped} {unit}".strip()


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%H:%M %d/%m/%Y")
    return value.strftime("%d/%m/%Y")


_VN_LETTERS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
_COMMON_UNACCENTED = {
    "khong", "duoc", "nguoi", "dan", "cua", "cho", "nhung", "chung", "toi", "xin", "hoi", "viec", "nay",
    "duong", "xa", "phuong", "thon", "ap", "rac", "nuoc", "dien", "tai", "voi", "mot", "cac", "nhieu",
    "lam", "phai", "tren", "duoi", "giai", "quyet", "can", "bo", "ho", "so", "thu", "tuc", "gia", "dinh",
}


def looks_unaccented_vietnamese(text: str) -> bool:
    """True when a text reads like Vietnamese typed without diacritics.

    It has no Vietnamese letter at all, and at least a third of its words (and at
    least three) are common Vietnamese words written without marks. Other languages
    (English, etc.) rarely match the list, so they are not blocked.
    """
    lowered = nfc(text).lower()
    if any(ch in _VN_LETTERS for ch in lowered):
        return False
    words = re.findall(r"[a-z]+", lowered)
    if len(words) < 3:
        return False
    hits = sum(1 for w in words if w in _COMMON_UNACCENTED)
    return hits >= 3 and hits * 3 >= len(words)
