"""Text normalisation shared by the store build (aliases, cues) and the parser."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "tokens"]

# Arabic-Indic and Persian digits → ASCII, Arabic letter variants → one form.
_TRANSLATE = str.maketrans({
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None,
    "’": "'", "‘": "'", "`": "'", "´": "'",
    "ı": "i",  # Turkish dotless i: "Mısır" typed as "misir" must match
    "٫": ".", "٬": ",", "،": ",", "؟": "?", "؛": ";", "٪": "%",
})
# Everything that is not a letter, a digit, a combining mark or one of . , % ' - becomes a space.
_SEPARATORS = re.compile(r"[^\w.,%'\-+]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# The Ukrainian apostrophe belongs to the word ("п'ять", "пʼять"): one word, in every spelling.
_CYRILLIC_APOSTROPHE = re.compile(r"(?<=[\u0400-\u04ff])['’ʼ`](?=[\u0400-\u04ff])")
_GLUED_BEFORE = re.compile(r"([\u0600-\u06ff])(\d)")
_GLUED_AFTER = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=[^\W\d_])")


def normalize(text: str) -> str:
    """Lowercase, strip accents and format characters, unify digits and Arabic letter forms."""
    text = text.translate(_TRANSLATE)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf", "Cc", "Cs"))
    text = _CYRILLIC_APOSTROPHE.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    # "و٢٠٢٠" (and 2020) and "2022г." (year + abbreviation): a year is a word of its own.
    text = _GLUED_BEFORE.sub(r"\1 \2", text)
    text = _GLUED_AFTER.sub(r"\1 ", text)
    return _SPACES.sub(" ", text).strip()


_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*%?|[0-9]+(?:[.,][0-9]+)*%?", re.UNICODE)


def tokens(normalized: str) -> list[str]:
    """Split normalised text into words and numbers ("3.107", "74%"); apostrophes split."""
    return _TOKEN.findall(normalized)
