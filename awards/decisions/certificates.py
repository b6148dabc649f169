"""Certificates (giấy khen, giấy chứng nhận danh hiệu): one A4 landscape page per awardee of an issued decision.

``certificate_context(item)`` decides every printed value from the item's frozen name, position and unit and
the decision's number, date, issuer and signer (the plain dict ``templates/documents/certificate.html``
expects); ``render_certificates_html(contexts)`` lays many of them out as one PDF; and
``render_decision_certificates(decision)`` does a whole decision in annex order, in chunks (spread over
``CERTIFICATE_WORKERS`` processes when that is more than 1 and the decision is large), merging the chunk PDFs
(pypdf).

Why chunks: WeasyPrint lays out one document per call, single-threaded. One page per call costs ~0.4 s
(font subsetting and PDF writing are per document); one document of many pages amortises that, but a very long
document grows in memory and time (the layout keeps every page). Chunks of ``CHUNK_SIZE`` pages keep memory flat,
and on a pool of processes keep real cores busy; the Jinja HTML is made in the calling process (it needs the
app), the children only lay out HTML, so they need no app, database or request.

Printing on pre-printed blanks: ``PrintCalibration`` (per template key: an award code, or "default") moves the
whole page content by (x, y) millimetres, and ``preprinted`` leaves out the border and the national motto the
blank already carries. ``save_calibrations`` is the operation behind the calibration page.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from io import BytesIO
from typing import Any

from flask import current_app, has_app_context, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from awards.catalogue.models import AwardKind
from awards.core.errors import PermissionDenied, ValidationFailed
from awards.core.formatting import short_date
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState, PrintCalibration
from awards.extensions import db
from awards.org.models import Gender, User
from awards.org.permissions import manages_staff_anywhere

__all__ = ["CHUNK_SIZE", "DEFAULT_TEMPLATE", "OFFSET_LIMIT_MM", "calibration_table", "certificate_context",
           "printable_items", "render_certificates_html", "render_decision_certificates", "sample_context",
           "save_calibrations", "verify_url"]

DEFAULT_TEMPLATE = "default"
OFFSET_LIMIT_MM = Decimal(20)
STYLESHEET = "certificate.css"
# Pages per WeasyPrint document when a decision is split: big enough to amortise the per-document cost (fonts,
# PDF writing), small enough that a chunk's progress shows and memory stays flat (bench/certificates.py).
CHUNK_SIZE = 50
# Below this many certificates a process pool costs more (starting it, importing WeasyPrint) than it saves.
POOL_THRESHOLD = 60
WORKERS = 2

Progress = Callable[[int, int], None]


# --- context -------------------------------------------------------------------------------------------------

def verify_url(token: str) -> str:
    """The public verification address printed in the QR code (jobs have no request: PUBLIC_BASE_URL)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify/" + token


QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules, inside the image


@lru_cache(maxsize=4096)
def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a PNG data URI of one pixel per module (error correction M, with its quiet zone).

    PNG, not SVG: WeasyPrint lays out an SVG image as a drawing, which costs ~10 ms a certificate; a tiny PNG
    is copied as is and printed sharp (``image-rendering: crisp-edges`` in the stylesheet: no smoothing). One
    pixel per module also means the printed image IS the QR matrix, which the tests compare with segno's."""
    import segno

    return segno.make(url, error="m", micro=False).png_data_uri(scale=1, border=QR_BORDER)


def _offset(value: Any) -> float:
    try:
        number = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        number = Decimal(0)
    return float(max(-OFFSET_LIMIT_MM, min(OFFSET_LIMIT_MM, number)))


def _calibration_values(calibration: PrintCalibration | Mapping[str, Any] | None) -> dict[str, Any]:
    if calibration is None:
        return {"offset_x_mm": 0.0, "offset_y_mm": 0.0, "preprinted": False}
    get = calibration.get if isinstance(calibration, Mapping) else lambda key: getattr(calibration, key)
    return {"offset_x_mm": _offset(get("offset_x_mm")), "offset_y_mm": _offset(get("offset_y_mm")),
            "preprinted": bool(get("preprinted"))}


def calibration_table() -> dict[str, dict[str, Any]]:
    """Every stored calibration by template key, as plain values (loaded once per rendering)."""
    return {row.template: _calibration_values(row) for row in db.session.scalars(select(PrintCalibration))}


def _calibration_for(code: str, table: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return _calibration_values(table.get(code) or table.get(DEFAULT_TEMPLATE))


def _achievement(item: DecisionItem, year: int) -> str:
    if item.award.kind == AwardKind.TITLE:
        return f"Đã có thành tích trong phong trào thi đua năm {year}"
    return f"Đã có thành tích xuất sắc trong công tác năm {year}"


def _awardee(item: DecisionItem) -> tuple[str, list[str]]:
    """The printed name ("Ông Nguyễn Văn An"; a collective: its name) and the lines under it."""
    if item.is_collective:
        return item.nominee_name, ([f"Trực thuộc {item.nominee_unit}"] if item.nominee_unit else [])
    person = item.person
    honorific = "Bà" if person is not None and person.gender == Gender.FEMALE else "Ông"
    lines = [f"Chức vụ: {item.nominee_position}"] if item.nominee_position else []
    if item.nominee_unit:
        lines.append(f"Đơn vị: {item.nominee_unit}")
    return f"{honorific} {item.nominee_name}", lines


def certificate_context(item: DecisionItem, *, calibration: PrintCalibration | Mapping[str, Any] | None = None,
                        calibrations: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The certificate of one awardee of an issued decision as plain values (``certificate.html`` contract).

    ``calibration`` (a PrintCalibration or a dict with offset_x_mm, offset_y_mm, preprinted) overrides the
    stored one; without it the calibration of the award's code, else "default", applies (``calibrations``: a
    table from ``calibration_table()`` already loaded, to spare a query per certificate).
    """
    decision = item.decision
    award = item.award
    if calibration is None:
        calibration = _calibration_for(award.code, calibrations if calibrations is not None else calibration_table())
    name, details = _awardee(item)
    url = verify_url(item.token)
    signer = decision.signer
    return {
        "template": award.code,
        "grantor": decision.authority.upper(),
        "verb": "TẶNG DANH HIỆU" if award.kind == AwardKind.TITLE else "TẶNG",
        "award": award.name_vi.upper(),
        "awardee": name,
        "collective": item.is_collective,
        "details": details,
        "achievement": _achievement(item, decision.award_year),
        "decision_number": decision.number_text,
        "decision_date": short_date(decision.decided_on),
        "register_number": item.position or 0,
        "place": decision.place,
        "date": decision.decided_on,
        "signer": {"mode": str(decision.signing_mode.value), "position": decision.signer_position,
                   "title": decision.signer_title, "name": signer.full_name if signer is not None else ""},
        "verify_url": url,
        "qr": qr_data_uri(url),
        **_calibration_values(calibration),
    }


def sample_context(template: str, calibration: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A made-up certificate for a test print on a blank (the calibration page), with the same layout."""
    return {
        "template": template, "grantor": "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH MẪU", "verb": "TẶNG",
        "award": "GIẤY KHEN", "awardee": "Ông Nguyễn Văn Mẫu", "collective": False,
        "details": ["Chức vụ: Chấp hành viên", "Đơn vị: Chi cục Thi hành án dân sự huyện Mẫu"],
        "achievement": "Đã có thành tích xuất sắc trong công tác năm 2024", "decision_number": "01/QĐ-MẪU",
        "decision_date": "01/01/2025", "register_number": 1, "place": "Hà Nội", "date": date(2025, 1, 1),
        "signer": {"mode": "", "position": "CỤC TRƯỞNG", "title": "", "name": "Trần Thị Mẫu"},
        "verify_url": verify_url("BAN-IN-THU"), "qr": qr_data_uri(verify_url("BAN-IN-THU")),
        **_calibration_values(calibration),
    }


def printable_items(decision: Decision) -> list[DecisionItem]:
    """The items that get a certificate, in annex order: every item of an issued award decision still standing
    (an item revoked since has no certificate: its QR code would answer "không hợp lệ")."""
    return sorted((i for i in decision.items if i.revoked_by_id is None), key=lambda i: (i.position or 0, i.id))


# --- rendering -----------------------------------------------------------------------------------------------

def _html(contexts: Sequence[Mapping[str, Any]]) -> str:
    return render_template("documents/certificate.html", certificates=contexts)


def _layout(html: str) -> bytes:
    """WeasyPrint only (no app needed): run in the calling process or in a pool worker."""
    from awards.documents.render import write_pdf

    return write_pdf(html, STYLESHEET)


def render_certificates_html(contexts: list[dict]) -> bytes:
    """Many certificates as one PDF document, one page each, in the given order (inside an app context)."""
    if not contexts:
        raise ValueError("no certificate to render")
    return _layout(_html(contexts))


def _merge(parts: Iterable[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(BytesIO(part))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunks(contexts: Sequence[dict], size: int) -> list[Sequence[dict]]:
    return [contexts[start:start + size] for start in range(0, len(contexts), size)]


def _workers() -> int:
    """``CERTIFICATE_WORKERS`` processes (the setting's default: 1), at most one per CPU. Measure before raising
    it: on a VM whose vCPUs share one physical core two processes each run at half speed (docs/certificates.md)."""
    wanted = int(current_app.config.get("CERTIFICATE_WORKERS", WORKERS)) if has_app_context() else WORKERS
    return max(1, min(wanted, os.cpu_count() or 1))


def render_contexts(contexts: Sequence[dict], *, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE,
                    workers: int | None = None) -> bytes:
    """Certificates as one PDF: in this process when few, else chunks laid out on a pool of processes and
    merged in order. ``progress(done, total)`` after each chunk."""
    total = len(contexts)
    if not total:
        raise ValueError("no certificate to render")
    workers = _workers() if workers is None else workers
    chunks = _chunks(contexts, chunk_size)
    if workers <= 1 or total < POOL_THRESHOLD or len(chunks) < 2:
        parts, done = [], 0
        for chunk in chunks:
            parts.append(render_certificates_html(list(chunk)))
            done += len(chunk)
            if progress:
                progress(done, total)
        return parts[0] if len(parts) == 1 else _merge(parts)
    import multiprocessing

    # "spawn": a forked child would inherit the parent's database connections and Pango/fontconfig state.
    results: dict[int, bytes] = {}
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(_layout, _html(chunk)): index for index, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            done += len(chunks[index])
            if progress:
                progress(done, total)
    return _merge(results[i] for i in range(len(chunks)))


def render_decision_certificates(decision: Decision, *, progress: Progress | None = None) -> bytes:
    """The certificates of every standing item of an issued award decision, in annex order, as one PDF."""
    if decision.kind != DecisionKind.AWARD or decision.state != DecisionState.ISSUED:
        raise ValidationFailed(_("Chỉ in giấy khen của quyết định khen thưởng đã ban hành."))
    items = printable_items(decision)
    if not items:
        raise ValidationFailed(_("Quyết định không còn ai để in giấy khen."))
    table = calibration_table()
    contexts = [certificate_context(item, calibrations=table) for item in items]
    return render_contexts(contexts, progress=progress)


# --- calibration ---------------------------------------------------------------------------------------------

def save_calibrations(rows: Iterable[Mapping[str, Any]], *, actor: User) -> list[PrintCalibration]:
    """Store the offsets of each template key (HR or admins). Offsets in millimetres, -20…20, one decimal."""
    if not manages_staff_anywhere(actor):
        raise PermissionDenied(_("Chỉ bộ phận tổ chức cán bộ (HR) hoặc quản trị mới chỉnh lề in giấy khen."))
    existing = {row.template: row for row in db.session.scalars(select(PrintCalibration))}
    saved = []
    for row in rows:
        key = str(row["template"]).strip()
        values = {}
        for field in ("offset_x_mm", "offset_y_mm"):
            try:
                value = Decimal(str(row.get(field) if row.get(field) not in (None, "") else 0)).quantize(
                    Decimal("0.1"))
            except InvalidOperation:
                raise ValidationFailed(_("Độ lệch phải là một số (mm)."), details={field: ["number"]}) from None
            if abs(value) > OFFSET_LIMIT_MM:
                raise ValidationFailed(_("Độ lệch phải trong khoảng -20 đến 20 mm."), details={field: ["range"]})
            values[field] = value
        calibration = existing.get(key)
        if calibration is None:
            calibration = PrintCalibration(template=key)
            db.session.add(calibration)
        calibration.offset_x_mm, calibration.offset_y_mm = values["offset_x_mm"], values["offset_y_mm"]
        calibration.preprinted = bool(row.get("preprinted"))
        saved.append(calibration)
    db.session.flush()
    return saved
