"""A4 posters for reception centres: a headline, three lines, a QR code for the deep link.

Every word comes from the gettext catalogs (headline, lines, phone, attribution) and the
content files (the topic's title), so translators change them in one place. The page is
HTML (right-to-left for Arabic, fonts from the system: Noto, then DejaVu) printed by
headless Chromium (bot/browser.py), which shapes Arabic and renders Georgian. The QR code
is an SVG from segno, drawn crisp at any size.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import segno
import yaml

from bot.browser import Browser
from bot.datafiles import DATA_DIR
from bot.deeplink import TOPICS, content_topic, link
from bot.i18n import LANGUAGES, translations

__all__ = ["PHONE", "PosterText", "make_posters", "poster_html", "poster_name", "poster_text",
           "qr_svg"]

PHONE = "0800 32 745"  # Fedasil's free voluntary-return line (data/content/how_to_apply.yaml)
RTL = frozenset({"ar"})


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark `message` for extraction; it is translated where it is used."""
    return message


_HEADLINES: dict[str, str] = {
    "figures": N_("How many people go home from Belgium? Ask ReturnBot."),
    "apply": N_("Thinking of going home? Ask how voluntary return works."),
    "reintegration": N_("Going home? Ask about support after your return."),
    "contact": N_("Questions about going home? Call or visit a return counsellor."),
    "privacy": N_("Asking is free and confidential."),
}
_LINES = (
    N_("Free, confidential and in your language."),
    N_("Scan the code with your phone: the chat opens in Telegram."),
    N_("Answers come from information that Fedasil published, with its sources."),
)
_PHONE_LINE = N_("Free phone line: %(phone)s")
_ATTRIBUTION = N_("Information: Fedasil, the Belgian agency for the reception of asylum "
                  "seekers, with IOM and Caritas International. www.voluntaryreturn.be")


@dataclass(frozen=True)
class PosterText:
    """Everything a poster says, in one language."""

    language: str
    headline: str
    title: str
    lines: tuple[str, str, str]
    link: str
    phone: str
    attribution: str


def _content_title(topic: str, lang: str, data_dir: Path) -> str:
    name = content_topic(topic, data_dir)
    if name is None:
        return ""
    doc = yaml.safe_load((data_dir / "content" / f"{name}.yaml").read_text(encoding="utf-8"))
    titles = doc.get("title") or {}
    return str(titles.get(lang) or titles.get("en") or "")


def poster_text(lang: str, topic: str, username: str, data_dir: Path = DATA_DIR) -> PosterText:
    """Return a poster's words in `lang`, with the deep link for `username`'s bot."""
    _ = translations(lang).gettext
    first, second, third = (_(line) for line in _LINES)
    return PosterText(
        language=lang, headline=_(_HEADLINES[topic]), title=_content_title(topic, lang, data_dir),
        lines=(first, second, third), link=link(username, lang, topic),
        phone=_(_PHONE_LINE) % {"phone": PHONE}, attribution=_(_ATTRIBUTION),
    )


def qr_svg(url: str) -> str:
    """Return the QR code of `url` as inline SVG (error correction M: survives some wear)."""
    code = segno.make_qr(url, error="m")
    svg: str = code.svg_inline(scale=10, border=4, dark="#000", light="#fff", omitsize=True)
    return svg


_STYLE = """
@page { size: A4; margin: 0; }
* { box-sizing: border-box; margin: 0; }
html, body { width: 210mm; height: 297mm; }
body { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans Georgian",
       "DejaVu Sans", sans-serif; color: #1b1b1b; background: #fff; }
.page { display: flex; flex-direction: column; height: 297mm; padding: 16mm 18mm 12mm; }
.band { height: 7mm; background: #00558c; margin: -16mm -18mm 12mm; }
h1 { font-size: 30pt; line-height: 1.25; color: #00558c; }
h2 { font-size: 17pt; font-weight: normal; margin-top: 5mm; color: #333; }
ul { list-style: none; padding: 0; margin-top: 10mm; font-size: 17pt; line-height: 1.45; }
li { margin-bottom: 3mm; padding-inline-start: 9mm; position: relative; }
li::before { content: "●"; color: #f39200; position: absolute; inset-inline-start: 0; }
.qr { margin: auto; text-align: center; }
.qr svg { width: 78mm; height: 78mm; }
.link { font-size: 13pt; margin-top: 2mm; font-family: "DejaVu Sans Mono", monospace; }
.phone { font-size: 22pt; font-weight: bold; text-align: center; margin-top: 6mm; }
.credit { font-size: 10.5pt; color: #555; margin-top: 6mm; border-top: 1px solid #ccc;
          padding-top: 3mm; }
"""


def poster_html(text: PosterText) -> str:
    """Return the poster as a standalone HTML page (A4, right-to-left where needed)."""
    e = html.escape
    direction = "rtl" if text.language in RTL else "ltr"
    title = f"<h2>{e(text.title)}</h2>" if text.title else ""
    items = "".join(f"<li>{e(line)}</li>" for line in text.lines)
    # Links and numbers are left-to-right runs, also inside Arabic (bidi isolates).
    return f"""<!doctype html>
<html lang="{text.language}" dir="{direction}"><head><meta charset="utf-8">
<title>ReturnBot</title><style>{_STYLE}</style></head>
<body><div class="page"><div class="band"></div>
<h1>{e(text.headline)}</h1>{title}<ul>{items}</ul>
<div class="qr">{qr_svg(text.link)}<div class="link"><bdi dir="ltr">{e(text.link)}</bdi></div></div>
<div class="phone">{e(text.phone).replace(e(PHONE), f'<bdi dir="ltr">{e(PHONE)}</bdi>')}</div>
<div class="credit">{e(text.attribution)}</div>
</div></body></html>
"""


def poster_name(lang: str, topic: str, suffix: str) -> str:
    """Return the file name of a poster in `--all`: `returnbot-<lang>-<topic>.<suffix>`."""
    return f"returnbot-{lang}-{topic}.{suffix}"


def every_poster() -> Iterator[tuple[str, str]]:
    """Yield every (language, topic) pair, in menu order."""
    for lang in LANGUAGES:
        for topic in TOPICS:
            yield lang, topic


def make_posters(
    jobs: Iterable[tuple[str, str, Path]], username: str, scale: float = 2.0
) -> list[Path]:
    """Print each (language, topic, output file) with one browser; return the files.

    PNGs are A4 at 96 dpi × `scale` (2: 1588 × 2246 pixels)."""
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="returnbot-poster-") as tmp, Browser() as browser:
        for lang, topic, out in jobs:
            page = Path(tmp) / f"{lang}-{topic}.html"
            page.write_text(poster_html(poster_text(lang, topic, username)), encoding="utf-8")
            out.parent.mkdir(parents=True, exist_ok=True)
            browser.print(page, out, scale=scale)
            made.append(out)
    return made
