"""Posters and deep links: every poster is printed, and every QR code decodes to its link."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot import cli
from bot.deeplink import MAX_PAYLOAD, TOPICS, link, parse_payload, payload, topic_query
from bot.i18n import LANGUAGES, translations
from bot.poster import PHONE, every_poster, poster_html, poster_name, poster_text, qr_svg

BOT = "ReturnTestBot"
needs_chromium = pytest.mark.skipif(
    not any(shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome")),
    reason="headless Chromium is installed by `make setup-system`",
)


def decode(png: bytes | Path) -> list[str]:
    data = png.read_bytes() if isinstance(png, Path) else png
    image = Image.open(io.BytesIO(data)).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


# -- deep links ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_every_payload_keeps_to_telegrams_rules_and_parses_back(lang, topic):
    text = payload(lang, topic)
    assert len(text) <= MAX_PAYLOAD
    assert set(text) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    found = parse_payload(text)
    assert found is not None and (found.language, found.topic) == (lang, topic)


@pytest.mark.parametrize("bad", [None, "", "en", "en-", "-apply", "xx-apply", "en-weather",
                                 "EN-apply", "en-apply-2", "en apply", "ar-apply\n", "é-apply",
                                 "en-" + "a" * 70])
def test_bad_payloads_parse_to_nothing(bad):
    assert parse_payload(bad) is None


def test_link_is_the_t_me_start_link_and_checks_its_parts():
    assert link("@ReturnBot_be", "ka", "reintegration") == \
        "https://t.me/ReturnBot_be?start=ka-reintegration"
    for args in (("not a name", "en", "apply"), (BOT, "xx", "apply"), (BOT, "en", "visa")):
        with pytest.raises(ValueError):
            link(*args)


def test_contact_falls_back_to_how_to_apply_until_its_topic_is_written(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "how_to_apply.yaml").write_text("id: how_to_apply\n")
    assert topic_query("contact", tmp_path) == {"kind": "info", "topic": "how_to_apply"}
    (tmp_path / "content" / "contact.yaml").write_text("id: contact\n")
    assert topic_query("contact", tmp_path) == {"kind": "info", "topic": "contact"}
    assert topic_query("figures", tmp_path) == {"kind": "total"}


def test_link_command_prints_the_link(capsys):
    assert cli.main(["link", "--lang", "ar", "--topic", "apply", "--bot", BOT]) == 0
    assert capsys.readouterr().out.strip() == f"https://t.me/{BOT}?start=ar-apply"


def test_link_command_asks_telegram_for_the_username_without_bot(monkeypatch, capsys):
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "telegram"))
    from fakeapi import BOT_USERNAME, TOKEN, FakeBotAPI

    with FakeBotAPI() as api:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
        monkeypatch.delenv("RETURNBOT_BOT_USERNAME", raising=False)
        assert cli.main(["link", "--lang", "nl", "--topic", "figures"]) == 0
    assert capsys.readouterr().out.strip() == f"https://t.me/{BOT_USERNAME}?start=nl-figures"


# -- poster texts -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_poster_words_come_from_the_catalog_of_its_language(lang):
    text = poster_text(lang, "apply", BOT)
    assert text.link == f"https://t.me/{BOT}?start={lang}-apply"
    assert PHONE in text.phone and "Fedasil" in text.attribution
    assert len(text.lines) == 3 and all(text.lines) and text.headline and text.title
    if lang != "en":  # translated, not the English source
        english = poster_text("en", "apply", BOT)
        assert text.headline != english.headline and text.lines != english.lines


def test_arabic_poster_is_right_to_left_with_the_link_kept_left_to_right():
    page = poster_html(poster_text("ar", "apply", BOT))
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<bdi dir="ltr">https://t.me/{BOT}?start=ar-apply</bdi>' in page
    assert translations("ar").gettext("Asking is free and confidential.") != \
        "Asking is free and confidential."


@pytest.mark.parametrize(("lang", "topic"), list(every_poster()))
def test_every_posters_qr_code_decodes_to_its_link(lang, topic):
    import segno

    url = poster_text(lang, topic, BOT).link
    svg = qr_svg(url)
    assert svg.startswith("<svg")
    # The same code as a bitmap, read back by an independent decoder (ZXing).
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=4, border=4)
    assert decode(buffer.getvalue()) == [url]


# -- printed posters (headless Chromium) --------------------------------------------------


@needs_chromium
def test_poster_all_prints_every_poster_and_each_qr_code_reads_back(tmp_path, capsys):
    out = tmp_path / "posters"
    # Scale 1 (A4 at 96 dpi, 794 × 1123): the smallest print still reads, and it is quicker.
    assert cli.main(["poster", "--all", str(out), "--format", "png", "--scale", "1",
                     "--bot", BOT]) == 0
    made = sorted(out.iterdir())
    assert len(made) == len(LANGUAGES) * len(TOPICS)
    for lang, topic in every_poster():
        png = out / poster_name(lang, topic, "png")
        with Image.open(png) as image:
            assert image.size == (794, 1123)
        assert decode(png) == [f"https://t.me/{BOT}?start={lang}-{topic}"], png.name


@needs_chromium
def test_single_poster_as_pdf(tmp_path):
    out = tmp_path / "ka.pdf"
    assert cli.main(["poster", "--lang", "ka", "--topic", "contact", "--bot", BOT,
                     "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 1  # one A4 page


def test_poster_out_needs_a_language_a_topic_and_a_known_suffix(tmp_path, capsys):
    assert cli.main(["poster", "--lang", "ka", "--bot", BOT, "--out", str(tmp_path / "x.pdf")]) == 1
    assert cli.main(["poster", "--lang", "ka", "--topic", "apply", "--bot", BOT,
                     "--out", str(tmp_path / "x.svg")]) == 1
    assert "--out needs" in capsys.readouterr().err
