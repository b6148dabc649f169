"""The English catalogue is complete: every message the source marks for translation has an English text.

Messages are extracted from the source tree the way ``pybabel extract -F babel.cfg -k _l -k lazy_gettext``
does, so a new ``_("…")`` without a translation fails here with its text and where it comes from.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # the -k options of the Makefile's extract

# %(name)s and bare %s/%d, as Python's % operator reads them (%% is a literal percent sign).
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# {min}/{max}: marshmallow's messages are formatted with str.format.
BRACE_PLACEHOLDER = re.compile(r"\{\w*\}")


def _source_messages() -> dict[str, list[str]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def source_messages() -> dict[str, list[str]]:
    return _source_messages()


@pytest.fixture(scope="module")
def english():
    with open(PO_FILE, "rb") as f:
        return read_po(f, locale="en")


def test_extraction_finds_the_messages(source_messages):
    # Guards the guard: a broken method map would extract nothing and let every other test pass.
    assert "Đăng xuất" in source_messages  # templates
    assert "Vui lòng nhập tên đăng nhập." in source_messages  # lazy_gettext in a form
    assert "Hoàn thành xuất sắc nhiệm vụ" in source_messages  # _l in awards/org/labels.py


def test_every_message_has_an_english_translation(source_messages, english):
    missing = []
    for msgid, where in sorted(source_messages.items()):
        entry = english.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            state = "missing" if entry is None else ("fuzzy" if entry.fuzzy else "empty")
            missing.append(f"{state}: {msgid!r} ({', '.join(where[:2])})")
    assert not missing, (
        "Untranslated messages; run the extract/update commands in docs/i18n.md and translate them:\n"
        + "\n".join(missing))


def test_the_catalogue_has_no_fuzzy_entries(english):
    # A fuzzy entry is ignored by `pybabel compile` without --use-fuzzy: the page would fall back to Vietnamese.
    assert not english.fuzzy
    assert [m.id for m in english if m.id and m.fuzzy] == []


def _placeholder_mismatches(pairs) -> list[str]:
    wrong = []
    for msgid, string in pairs:
        for pattern in (PERCENT_PLACEHOLDER, BRACE_PLACEHOLDER):
            if sorted(pattern.findall(msgid)) != sorted(pattern.findall(string)):
                wrong.append(f"{msgid!r} → {string!r}")
                break
    return wrong


def test_translations_keep_the_placeholders(english):
    wrong = _placeholder_mismatches((m.id, m.string) for m in english if m.id and m.string)
    assert not wrong, "Placeholders differ between message and translation:\n" + "\n".join(wrong)


def test_placeholder_check_catches_a_lost_or_renamed_placeholder():
    assert _placeholder_mismatches([
        ("Tên đăng nhập “%(name)s” đã tồn tại.", "The username already exists."),  # lost
        ("Đã tạo đơn vị %(code)s.", "Unit %(name)s created."),  # renamed
        ("Giảm 5%% so với năm trước", "Down 5% on last year"),  # %% must stay %%
        ("Phải từ {min} đến {max}.", "Must be at least {min}."),  # str.format field lost
        ("Đã lưu đơn vị %(code)s.", "Unit %(code)s saved."),  # fine
    ]) == [
        "'Tên đăng nhập “%(name)s” đã tồn tại.' → 'The username already exists.'",
        "'Đã tạo đơn vị %(code)s.' → 'Unit %(name)s created.'",
        "'Giảm 5%% so với năm trước' → 'Down 5% on last year'",
        "'Phải từ {min} đến {max}.' → 'Must be at least {min}.'",
    ]


def test_translations_carry_no_markup(english):
    # Template messages are marked safe after translation, so an angle bracket would reach the page as HTML.
    assert [m.string for m in english if m.id and "<" in m.string] == []
    assert [m.id for m in english if m.id and "<" in m.id] == []
