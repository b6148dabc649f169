"""Render administrative documents to PDF in the Decree 30/2020/NĐ-CP layout (Phụ lục I).

``render_pdf("minutes.html", context)`` renders ``templates/documents/minutes.html`` with Flask's Jinja
environment (call it inside an app context) and WeasyPrint, and returns the PDF bytes. Every template extends
``documents/_decree30.html`` (page, header block, signature and "Nơi nhận" macros) and is styled by the one
static stylesheet ``awards/static/documents/decree30.css``.

The context is a dict of PLAIN values (str, int, bool, ``datetime.date``, lists and dicts of those): the
caller loads the records and decides every printed string, so a template never lazy-loads from the database
and the same dict can be stored as the evidence of what was printed. Contracts (the councils and nominations
code build exactly these dicts):

common (every document)::

    {"parent_body": "TỔNG CỤC THI HÀNH ÁN DÂN SỰ",          # printed UPPER; may be "" for a top-level unit
     "issuer": "CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP",     # printed UPPER bold with a short rule under it
     "number": "12/BB-HĐTĐKT",                             # "" → "Số:" with room to write the number by hand
     "place": "Đồng Tháp", "date": datetime.date(2025, 1, 5)}

minutes.html (biên bản họp) = common + ::

    {"council_name": "Hội đồng Thi đua - Khen thưởng Cục …", "subject": "Họp xét thi đua, khen thưởng năm 2021",
     "year": 2021, "started_at": "08 giờ 00", "ended_at": "10 giờ 30" or "", "location": "Hội trường Cục …",
     "secret_ballot": True, "member_count": 9,
     "members": [{"name", "role", "position"}…], "present": [{"name", "role"}…],
     "absent": [{"name", "role", "written_vote": bool}…],
     "quorum": {"present": 8, "members": 9, "required": 6, "met": True, "rule": "ít nhất 2/3 tổng số thành viên"},
     "chair": {"name", "position"}, "secretary": {"name", "position"},
     "agenda": [{"award": "Chiến sĩ thi đua cơ sở", "count": 3}…],
     "results": [{"award", "threshold": "≥ 80% tổng số thành viên",
                  "items": [{"nominee", "unit", "round": 1, "yes": 8, "no": 1, "share": "88,89%",
                             "passed": True, "note": ""}…]}…],
     "tie_breaks": [{"note": "Chủ tịch Hội đồng quyết định …"}…]}

tally.html (biên bản kiểm phiếu) = common + ::

    {"council_name", "subject", "year", "secret_ballot", "member_count", "ballots_cast": 9,
     "rounds": [{"number": 1, "ballots": 9, "valid": 9, "invalid": 0,
                 "items": [{"nominee", "unit", "award", "yes", "no", "share", "threshold", "passed"}…]}…],
     "counters": [{"name", "role"}…],   # the counting board; the one whose role starts "Trưởng ban" signs
                                        # on the right (the first one when none does), the others on the left
     "chair": {"name", "position"}}     # the council's chair, named in the opening paragraph

batch.html (tờ trình of a unit) = common + ::

    {"title": "Tờ trình đề nghị khen thưởng năm 2021",  # printed as "TỜ TRÌNH / Về việc đề nghị …"
     "recipient": "Hội đồng Thi đua - Khen thưởng Cục THADS tỉnh Đồng Tháp", "year": 2021,
     "body": "…" or "",                                  # "" → the standard request paragraph
     "rows": [{"nominee", "position", "unit", "award", "summary"}…],
     "signer": {"mode": "KT." or "", "position": "CHI CỤC TRƯỞNG", "name": "…",
                "title": optional: the signer's own position under a mode line (default "PHÓ " + position
                         for KT.)},
     "recipients": ["Như trên;", "Lưu: VT."]}

decision.html (Quyết định khen thưởng or thu hồi, with its annex) = common + ::

    {"number": "01/QĐ-CTHADS",                 # a draft: "\u00a0" * 6 + "/QĐ-CTHADS" (room for the number)
     "subject": "Về việc tặng danh hiệu …",     # trích yếu, bold, a short rule under it
     "authority": "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP",   # printed UPPER bold, centred
     "bases": ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022", …, "Xét đề nghị của …"],
                                                # italic; WITHOUT end punctuation: the template adds ";" and,
                                                # after the last, "."
     "articles": [{"text": "Tặng …(có danh sách kèm theo), gồm:",    # Điều 1, 2, 3 in order ("Điều n." bold)
                   "list": ["“Lao động tiên tiến”: 120 cá nhân;", …]}…],   # dash lines under the sentence, or []
     "signer": {"mode", "position", "title", "name"},   # as for batch.html
     "recipients": ["Như Điều 3;", …, "Lưu: VT, TCCB."],  # printed "- …" at 11 pt under "Nơi nhận:"
     "annex": {"title": "DANH SÁCH", "subtitle": "Cá nhân được khen thưởng năm 2024",
               "reference": "(Kèm theo Quyết định số 01/QĐ-CTHADS ngày 05 tháng 01 năm 2025 của Cục trưởng …)",
               "groups": [{"heading": "I. Tặng danh hiệu “Chiến sĩ thi đua cơ sở” (40 cá nhân)",
                           "rows": [{"no": 1, "name", "position", "unit", "award", "money": "2.340.000"}…],
                           "subtotal": "93.600.000"}…],   # a "Cộng" row per group when there are several
               "total": "207.200.000"}}                   # the "Tổng cộng" row
    # The annex starts on a new page under the issuer's header block; its table (STT | Họ và tên | Chức vụ |
    # Đơn vị | Danh hiệu/Hình thức | Số tiền) repeats its header row on every page and never splits a row.

Security: WeasyPrint would otherwise fetch any URL a template (or a value that reached it) names —
``file:///etc/passwd`` as an attachment, an intranet address as an image. The URL fetcher here serves only
``data:`` URLs, files under ``awards/static/`` and the four Liberation Serif 2.x files, and refuses the rest;
a refused URL stops the rendering (``DocumentResourceRefused``) instead of leaving a silently incomplete PDF.

Cost: ``import weasyprint`` takes ~1 s, so it happens on the first render, not at app start. One
``FontConfiguration`` and one parsed stylesheet serve every render of the process (without a shared font
configuration memory grows with each render in a long-lived worker; see STACK-NOTES). Two more levers, measured
by ``bench/documents.py`` on a 200-row decision: WeasyPrint's user-agent stylesheet without its rules for the
note/footnote pseudo-elements and ``::marker`` of every element (``_user_agent_stylesheet``: six fewer computed
styles per element), and the cyclic garbage collector paused during a render and run once, on the youngest
generation, after it. Both keep the PDF the same. The shared Pango objects are released at exit (``_release``).
"""
from __future__ import annotations

import atexit
import gc
import hashlib
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import render_template

from awards.core.gc import collector_paused

STATIC_ROOT = (Path(__file__).resolve().parents[1] / "static").resolve()
STYLESHEET = STATIC_ROOT / "documents" / "decree30.css"
# Liberation Serif 2.x (Debian fonts-liberation2). The 1.x package registers the same family name but lacks
# ơ, ư and U+1EA0–1EF9, so a lookup by name through fontconfig could pick it and silently fall back to
# another font for those letters. The stylesheet's @font-face rules therefore name these exact files, and the
# URL fetcher lets exactly these four files through (nothing else outside awards/static).
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = frozenset(FONT_DIR / f"LiberationSerif-{style}.ttf" for style in ("Regular", "Bold", "Italic",
                                                                               "BoldItalic"))

_lock = threading.Lock()
# The shared FontConfiguration holds Pango/fontconfig objects that are not safe to use from two threads at
# once (the threaded dev server, a threaded worker); layout is CPU-bound under the GIL anyway, so renders in
# one process take turns.
_render_lock = threading.Lock()
_shared: dict[str, Any] = {}


class DocumentResourceRefused(RuntimeError):
    """A document tried to load a URL outside the app's static files (or a resource that failed to load)."""


def sha256(data: bytes) -> str:
    """The hex SHA-256 stored beside an issued PDF, so a printed copy can be matched to the file."""
    return hashlib.sha256(data).hexdigest()


def _allowed_path(url: str) -> Path | None:
    """The local file a ``file:`` URL names, if it is a static file or one of the font files; else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    # resolve() follows symlinks and "..", so neither can lead out of the static folder.
    path = Path(unquote(parts.path)).resolve()
    if path in FONT_FILES or path.is_relative_to(STATIC_ROOT):
        return path
    return None


def _fetcher():
    """A fresh fetcher per render (WeasyPrint's URLFetcher keeps per-request state, so it is not shared)."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data" or (scheme == "file" and _allowed_path(url) is not None):
                return super().fetch(url, headers)
            raise DocumentResourceRefused(f"URL refused in a document: {url[:200]}")

    # fail_on_errors turns a refusal (or a missing static file) into FatalURLFetchingError, which stops the
    # rendering; by default WeasyPrint would log a warning and carry on without the resource.
    return StaticOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True)


# The user-agent stylesheet of WeasyPrint 70 styles five note/footnote pseudo-elements and ``::marker`` on EVERY
# element ("::footnote-call { … }"), so each element gets six extra computed styles: 8,700 of the 9,200 a 200-row
# decision computed, about a fifth of its render time. No document here uses footnotes, notes or list markers
# other than on <li>, so the documents get the same sheet with those rules scoped to what can use them.
_UNIVERSAL_PSEUDO_RULES = re.compile(r"^::(?:footnote-call|footnote-marker|note-call|note-marker|note-callback)"
                                     r"\s*\{[^}\n]*\}[ \t]*\n", re.M)
_UNIVERSAL_MARKER = "\n::marker {"


def _user_agent_stylesheet() -> Any:
    """WeasyPrint's own HTML stylesheet without the rules that style a pseudo-element of every element, made once;
    the stock sheet if this WeasyPrint's file no longer has them as expected (a slower render, never a wrong one)."""
    if "ua" not in _shared:
        with _lock:
            if "ua" not in _shared:
                from weasyprint import CSS
                from weasyprint.html import UA, UA_COUNTER_STYLE, UA_STYLESHEET

                trimmed, notes = _UNIVERSAL_PSEUDO_RULES.subn("", UA)
                if notes == 5 and trimmed.count(_UNIVERSAL_MARKER) == 1:
                    trimmed = trimmed.replace(_UNIVERSAL_MARKER, "\nli::marker, summary::marker {")
                    _shared["ua"] = CSS(string=trimmed, counter_style=UA_COUNTER_STYLE)
                else:
                    _shared["ua"] = UA_STYLESHEET
    return _shared["ua"]


def _release() -> None:
    """Drop the shared Pango objects while the libraries are still loaded: left to the interpreter's last garbage
    collection they may be freed after GLib has gone, and the process ends with a segmentation fault (seen, with
    exit status 139 for a test run that passed, while the certificate jobs module was being written)."""
    _shared.clear()
    gc.collect()


def _resources(stylesheet: str = "decree30.css") -> tuple[Any, Any]:
    """The process-wide FontConfiguration and the parsed stylesheet ``static/documents/<stylesheet>``, each made
    on first use."""
    key = f"css:{stylesheet}"
    if key not in _shared:
        with _lock:
            if "font_config" not in _shared:
                from weasyprint.text.fonts import FontConfiguration

                _shared["font_config"] = FontConfiguration()
                atexit.register(_release)
            if key not in _shared:
                from weasyprint import CSS

                path = (STATIC_ROOT / "documents" / stylesheet).resolve()
                if not path.is_relative_to(STATIC_ROOT / "documents"):
                    raise DocumentResourceRefused(f"stylesheet outside static/documents: {stylesheet}")
                _shared[key] = CSS(filename=str(path), font_config=_shared["font_config"], url_fetcher=_fetcher())
    return _shared["font_config"], _shared[key]


def _html(html: str) -> Any:
    """WeasyPrint's HTML document, styled by the trimmed user-agent stylesheet (``_user_agent_stylesheet``)."""
    from weasyprint import HTML

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [_user_agent_stylesheet()] + super()._ua_stylesheets(forms)[1:]

    return DocumentHTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=_fetcher())


def write_pdf(html: str, stylesheet: str = "decree30.css") -> bytes:
    """Lay out already rendered HTML with a shared stylesheet (``static/documents/<stylesheet>``) and the shared
    fonts; relative URLs point into static/."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        font_config, css = _resources(stylesheet)
        document = _html(html)
        with _render_lock:
            # A render makes ~100,000 objects that live until it ends (boxes, styles, Pango layouts): with the
            # cyclic collector on, they trigger repeated full collections of the whole heap, about a fifth of a
            # 200-row decision's time. Collect once at the end instead: the render's cycles are all in the
            # youngest generation, so that one pass frees them without walking the rest of the heap.
            with collector_paused(collect_after=0):
                return document.write_pdf(stylesheets=[css], font_config=font_config)
    except FatalURLFetchingError as error:
        # FatalURLFetchingError derives from BaseException: re-raise as an ordinary error, which the request
        # cycle turns into a 500 and a rollback instead of letting it escape the worker.
        raise DocumentResourceRefused(str(error.__cause__ or error)) from error


def render_pdf(template_name: str, context: dict[str, Any], stylesheet: str = "decree30.css") -> bytes:
    """Render ``templates/documents/<template_name>`` from plain ``context`` values to PDF bytes."""
    return write_pdf(render_template(f"documents/{template_name}", **context), stylesheet)
