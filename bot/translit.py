"""Latin spellings of Cyrillic and Georgian names, the way people type them on a Latin keyboard
("gruziya", "sakartvelo", "saqartvelo"): added to the country aliases at build time, so a
question typed in Latin letters finds its country like one typed in the language's own script.

Only a few spellings per name: the common variants of single letters (я → ya/ia, ქ → k/q),
chosen together, not in every combination. The parser's typo tolerance covers the rest.
"""

from __future__ import annotations

__all__ = ["latin_spellings"]

_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
# Ukrainian letters that differ from Russian: и is "y", г is "h", і/ї/є are their own.
_UK = {**_RU, "и": "y", "г": "h", "ґ": "g", "і": "i", "ї": "yi", "є": "ye", "х": "kh"}
# A second, looser spelling many people type: ia/iu for я/ю, h for х, i for й, c for ц.
_CYRILLIC_LOOSE = {"я": "ia", "ю": "iu", "х": "h", "й": "i", "ц": "c", "щ": "sch", "ж": "j"}
# Georgian: the national romanisation, and the informal "chat" spelling (ქ q, წ w, ც c, ხ x).
_KA = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i",
    "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s",
    "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch", "ც": "ts",
    "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h",
}
_KA_CHAT = {"ქ": "q", "წ": "w", "ც": "c", "ხ": "x", "ღ": "g", "ჭ": "ch", "ყ": "y"}
_TABLES: dict[str, tuple[dict[str, str], ...]] = {
    "ru": (_RU, {**_RU, **_CYRILLIC_LOOSE}),
    "uk": (_UK, {**_UK, **_CYRILLIC_LOOSE}, {**_UK, "г": "g", "и": "i"}),
    "ka": (_KA, {**_KA, **_KA_CHAT}),
}


def latin_spellings(name: str, lang: str) -> set[str]:
    """Latin spellings of a (normalised, lowercase) name in `lang`; empty when the name has
    no letters of that language's script or the language is written in Latin letters."""
    out = set()
    for table in _TABLES.get(lang, ()):
        if not any(ch in table for ch in name):
            continue
        latin = "".join(table.get(ch, ch) for ch in name)
        if latin.isascii():
            out.add(latin)
    return out
