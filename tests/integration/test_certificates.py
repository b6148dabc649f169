"""Certificates: what each page prints (the QR code IS the verification URL, "Số sổ vàng" = the annex row, A4
landscape, one page per awardee), the print calibration, the background job (idempotent, failure → failed with no
file, retry → done, dispatch only after commit) and who may do what (403 in scope, 404 outside)."""
from __future__ import annotations

import base64
import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from awards.core.errors import PermissionDenied
from awards.core.models import utcnow
from awards.decisions import certificates, jobs
from awards.decisions import operations as ops
from awards.decisions.models import CertificateJob, JobState, PrintCalibration
from awards.org.models import Gender, Role
from tests.factories import make_person, make_user
from tests.integration.test_decisions import DAY, approved

A4_LANDSCAPE = (841.89, 595.28)


@pytest.fixture(autouse=True)
def document_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://khenthuong.example.vn")
    return tmp_path / "documents"


@pytest.fixture()
def signer(org):
    return make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def issued(org, signer, nominations=None):
    chosen = nominations if nominations is not None else [approved(org), approved(org)]
    decision = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=DAY, nomination_ids=[n.id for n in chosen],
                                   signer=signer)
    return ops.issue(decision, actor=org.hr)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def qr_modules(png: Image.Image) -> list[list[bool]]:
    """The dark modules of a one-pixel-per-module QR image, without its quiet zone."""
    gray = png.convert("L")
    border = certificates.QR_BORDER
    return [[gray.getpixel((x, y)) < 128 for x in range(border, gray.width - border)]
            for y in range(border, gray.height - border)]


def drawn_image(page) -> Image.Image:
    """The one image the page's content stream draws (WeasyPrint may share one resource dictionary)."""
    import re

    names = {n.decode() for n in re.findall(rb"/(\S+) Do", page.get_contents().get_data())}
    drawn = [image for image in page.images if image.name.rsplit(".", 1)[0] in names]
    assert len(drawn) == 1, [image.name for image in page.images]
    return drawn[0].image


def segno_modules(url: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]


# --- what is printed -----------------------------------------------------------------------------------------

def test_the_context_prints_the_frozen_values_the_decision_and_the_register_number(db, org, signer):
    woman = make_person(org.dt_a, full_name="Trần Thị Hoa", position="Chấp hành viên", gender=Gender.FEMALE)
    decision = issued(org, signer, [approved(org, nominee=woman), approved(org, "TTLDTT", nominee=org.dt_a)])
    person_item = next(i for i in decision.items if not i.is_collective)
    unit_item = next(i for i in decision.items if i.is_collective)

    context = certificates.certificate_context(person_item)
    assert context["grantor"] == "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP"
    assert (context["verb"], context["award"]) == ("TẶNG DANH HIỆU", "LAO ĐỘNG TIÊN TIẾN")
    assert context["awardee"] == "Bà Trần Thị Hoa"
    assert context["details"] == ["Chức vụ: Chấp hành viên", "Đơn vị: Chi cục THADS huyện Lấp Vò"]
    assert (context["decision_number"], context["decision_date"]) == ("01/QĐ-CTHADS", "10/01/2022")
    assert context["register_number"] == person_item.position
    assert context["signer"] == {"mode": "", "position": "CỤC TRƯỞNG", "title": "", "name": "Nguyễn Văn Lợi"}
    assert context["verify_url"] == f"https://khenthuong.example.vn/verify/{person_item.token}"
    assert (context["offset_x_mm"], context["offset_y_mm"], context["preprinted"]) == (0.0, 0.0, False)

    collective = certificates.certificate_context(unit_item)
    assert collective["awardee"] == "Chi cục THADS huyện Lấp Vò"
    assert collective["details"] == ["Trực thuộc Cục Thi hành án dân sự tỉnh Đồng Tháp"]
    assert collective["register_number"] == unit_item.position
    # The annex lists the lower award first (LĐTT before TTLĐTT): the register numbers are the annex rows.
    assert (person_item.position, unit_item.position) == (1, 2)


def test_the_qr_code_in_the_pdf_is_the_verification_url(db, org, signer):
    decision = issued(org, signer)
    pdf = certificates.render_decision_certificates(decision)
    reader = PdfReader(io.BytesIO(pdf))
    items = certificates.printable_items(decision)
    assert len(reader.pages) == len(items) == 2
    for page, item in zip(reader.pages, items, strict=True):
        image = drawn_image(page)
        url = f"https://khenthuong.example.vn/verify/{item.token}"
        assert qr_modules(image) == segno_modules(url)
        other = next(i for i in items if i is not item)
        assert qr_modules(image) != segno_modules(f"https://khenthuong.example.vn/verify/{other.token}")


def test_one_landscape_a4_page_per_awardee_with_its_register_number_and_embedded_fonts(db, org, signer, tmp_path):
    decision = issued(org, signer, [approved(org) for _ in range(3)])
    pdf = certificates.render_decision_certificates(decision)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_LANDSCAPE
    texts = pages_text(pdf)
    for text, item in zip(texts, certificates.printable_items(decision), strict=True):
        assert f"Số sổ vàng: {item.position}" in text
        assert item.nominee_name in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "Quyết định số 01/QĐ-CTHADS" in text and "ngày 10/01/2022" in text
        assert "Đồng Tháp, ngày 10 tháng 01 năm 2022" in text
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert names <= {"Liberation-Serif-v2", "Liberation-Serif-v2-Bold", "Liberation-Serif-v2-Italic",
                     "Liberation-Serif-v2-Bold-Italic"}
    assert all(" yes yes " in line for line in fonts.splitlines()[2:])  # embedded, subset


def test_a_revoked_awardee_gets_no_certificate(db, org, signer):
    decision = issued(org, signer)
    first = certificates.printable_items(decision)[0]
    revocation = ops.revoke(decision, actor=org.hr, decided_on=DAY, reason="Khai man", signer=signer,
                            item_ids=[first.id])
    ops.issue(revocation, actor=org.hr)
    assert [i.id for i in certificates.printable_items(decision)] == [
        i.id for i in decision.items if i.id != first.id]
    assert len(PdfReader(io.BytesIO(certificates.render_decision_certificates(decision))).pages) == 1


def _word_x(pdf: bytes, word: str, tmp_path: Path) -> float:
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in html.splitlines() if f">{word}</word>" in line)
    return float(line.split('xMin="')[1].split('"')[0]), float(line.split('yMin="')[1].split('"')[0])


def test_the_calibration_moves_the_content_and_leaves_out_what_the_blank_carries(db, org, signer, tmp_path):
    decision = issued(org, signer, [approved(org)])
    item = decision.items[0]
    plain = certificates.render_certificates_html([certificates.certificate_context(item)])
    db.session.add(PrintCalibration(template="LDTT", offset_x_mm=10, offset_y_mm=-5, preprinted=True))
    db.session.add(PrintCalibration(template="default", offset_x_mm=0, offset_y_mm=0, preprinted=False))
    db.session.flush()
    context = certificates.certificate_context(item)
    assert (context["offset_x_mm"], context["offset_y_mm"], context["preprinted"]) == (10.0, -5.0, True)
    moved = certificates.render_certificates_html([context])
    (x0, y0), (x1, y1) = _word_x(plain, "TẶNG", tmp_path), _word_x(moved, "TẶNG", tmp_path)
    assert x1 - x0 == pytest.approx(10 * 72 / 25.4, abs=0.2)   # 10 mm to the right
    assert y1 - y0 == pytest.approx(-5 * 72 / 25.4, abs=0.2)   # 5 mm up
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages_text(plain)[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in pages_text(moved)[0]
    # Another award's certificate falls back to "default"; an explicit calibration wins over the stored ones.
    assert certificates.certificate_context(item, calibration={"offset_x_mm": 99, "offset_y_mm": "x",
                                                               "preprinted": 0})["offset_x_mm"] == 20.0


def test_large_decisions_are_laid_out_in_chunks_on_two_processes_and_merged_in_order(app, monkeypatch):
    monkeypatch.setattr(certificates, "POOL_THRESHOLD", 0)
    seen = []
    with app.app_context():
        contexts = [dict(certificates.sample_context("GK"), register_number=n) for n in range(1, 6)]
        pdf = certificates.render_contexts(contexts, progress=lambda done, total: seen.append((done, total)),
                                           chunk_size=2, workers=2)
    texts = pages_text(pdf)
    assert [f"Số sổ vàng: {n}" in text for n, text in zip(range(1, 6), texts, strict=True)] == [True] * 5
    assert sorted(seen)[-1] == (5, 5) and len(seen) == 3


def test_save_calibrations_checks_the_range_and_the_role(db, org):
    certificates.save_calibrations([{"template": "default", "offset_x_mm": "1.25", "offset_y_mm": "-3",
                                     "preprinted": True}], actor=org.hr)
    row = db.session.scalar(select(PrintCalibration).where(PrintCalibration.template == "default"))
    assert (float(row.offset_x_mm), float(row.offset_y_mm), row.preprinted) == (1.2, -3.0, True)
    from awards.core.errors import ValidationFailed
    with pytest.raises(ValidationFailed, match="-20 đến 20"):
        certificates.save_calibrations([{"template": "default", "offset_x_mm": "21"}], actor=org.hr)
    with pytest.raises(PermissionDenied):
        certificates.save_calibrations([{"template": "default"}], actor=org.approver)


# --- the job -------------------------------------------------------------------------------------------------

def test_a_job_makes_the_file_once_and_a_second_request_returns_it(db, org, signer, document_dir, monkeypatch):
    decision = issued(org, signer)
    job = jobs.request_certificates(decision, actor=org.hr)
    assert (job.state, job.done_count, job.total, job.attempts) == (JobState.DONE, 2, 2, 1)
    path = jobs.certificate_path(job)
    assert path.is_file() and path.is_relative_to(document_dir)
    content = path.read_bytes()
    assert jobs.sha256(content) == job.sha256 and job.size == len(content)
    assert len(PdfReader(io.BytesIO(content)).pages) == 2
    assert not list(document_dir.rglob("*.part"))

    calls = []
    monkeypatch.setattr(jobs, "render_decision_certificates", lambda *a, **k: calls.append(1) or b"%PDF-")
    again = jobs.request_certificates(decision, actor=org.hr)
    assert again is job and again.attempts == 1 and calls == [] and path.read_bytes() == content
    # The file gone (a disk cleaned up): asking again makes it again.
    path.unlink()
    monkeypatch.undo()
    remade = jobs.request_certificates(decision, actor=org.hr)
    assert remade.state == JobState.DONE and remade.attempts == 2 and jobs.certificate_path(remade).is_file()


def test_a_failed_job_leaves_no_file_and_a_retry_finishes_it(db, org, signer, document_dir, monkeypatch):
    decision = issued(org, signer)

    def broken(*_a, **_k):
        raise RuntimeError("máy in ảo hỏng")

    monkeypatch.setattr(jobs, "render_decision_certificates", broken)
    job = jobs.request_certificates(decision, actor=org.hr)
    assert (job.state, job.path, job.sha256) == (JobState.FAILED, "", "")
    assert "máy in ảo hỏng" in job.error
    assert not document_dir.exists() or not [p for p in document_dir.rglob("*") if p.is_file()]
    monkeypatch.undo()
    retried = jobs.retry_certificates(decision, actor=org.hr)
    assert (retried.state, retried.attempts, retried.error) == (JobState.DONE, 2, "")
    assert jobs.certificate_path(retried).is_file()


def test_a_crash_while_moving_the_file_into_place_is_a_failure_without_partial_file(db, org, signer, document_dir,
                                                                                   monkeypatch):
    decision = issued(org, signer, [approved(org)])

    def no_rename(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(jobs.os, "replace", no_rename)
    job = jobs.request_certificates(decision, actor=org.hr)
    assert job.state == JobState.FAILED and "disk full" in job.error
    assert [p for p in document_dir.rglob("*") if p.is_file()] == []  # the temporary file was removed


def test_a_live_job_is_not_retried_but_one_whose_worker_died_is(db, org, signer, app, monkeypatch):
    decision = issued(org, signer, [approved(org)])
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    started = []
    monkeypatch.setattr(jobs, "_dispatch_process", lambda job_id: started.append(job_id))
    job = jobs.request_certificates(decision, actor=org.hr)
    assert job.state == JobState.QUEUED
    assert jobs.request_certificates(decision, actor=org.hr) is job and job.attempts == 1
    job.state, job.started_at = JobState.RUNNING, utcnow()
    db.session.flush()
    with pytest.raises(ops.NotAllowedNow):
        jobs.retry_certificates(decision, actor=org.hr)
    job.started_at = utcnow() - timedelta(hours=1)  # its worker was killed an hour ago
    db.session.flush()
    assert jobs.status(job)["stale"] is True
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    assert jobs.retry_certificates(decision, actor=org.hr).state == JobState.DONE
    assert job.attempts == 2


def test_a_late_worker_of_an_earlier_attempt_changes_nothing(db, org, signer, app, monkeypatch):
    decision = issued(org, signer, [approved(org)])
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setattr(jobs, "_dispatch_process", lambda job_id: None)
    job = jobs.request_certificates(decision, actor=org.hr)

    def retried_meanwhile(decision, progress=None):
        db.session.execute(CertificateJob.__table__.update().where(CertificateJob.id == job.id)
                           .values(attempts=CertificateJob.attempts + 1, state="queued"))
        return b"%PDF-1.7 late"

    monkeypatch.setattr(jobs, "render_decision_certificates", retried_meanwhile)
    assert jobs.run_job(job.id, commit=False) == "superseded"
    db.session.refresh(job)
    assert (job.state, job.attempts, job.path) == (JobState.QUEUED, 2, "")


def test_the_job_is_handed_over_only_after_the_commit(db, org, signer, app, monkeypatch):
    decision = issued(org, signer, [approved(org)])
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    started = []
    monkeypatch.setattr(jobs, "_dispatch_process", lambda job_id: started.append(job_id))
    job = jobs.request_certificates(decision, actor=org.hr)
    assert started == []  # the row is not committed yet: a worker would not find it
    db.session.commit()
    assert started == [job.id]
    db.session.commit()
    assert started == [job.id]  # handed over once
    # With REDIS_URL the job goes to RQ, with its id only.
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/15")
    queued = []
    monkeypatch.setattr(jobs, "_dispatch_rq", lambda job_id, url: queued.append((job_id, url)))
    job.state = JobState.FAILED
    db.session.flush()
    jobs.request_certificates(decision, actor=org.hr)
    db.session.rollback()  # the request failed after all: nothing is handed over
    assert queued == []


def test_rq_receives_only_the_job_id(app):
    redis = pytest.importorskip("redis")
    from rq import Queue

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    queue = Queue(jobs.QUEUE, connection=connection)
    queue.empty()
    jobs._dispatch_rq(4242, "redis://127.0.0.1:6379/15")
    (queued,) = queue.jobs
    assert (queued.func_name, queued.args, queued.kwargs) == ("awards.decisions.jobs.run_job", (4242,), {})
    queue.empty()


def test_the_local_worker_command_line(monkeypatch):
    seen = {}

    class FakePopen:
        def __init__(self, args, **kwargs):
            seen.update(args=args, **kwargs)

    monkeypatch.setattr(jobs.subprocess, "Popen", FakePopen)
    jobs._dispatch_process(7)
    assert seen["args"][1:] == ["-m", "awards.decisions.jobs", "7"]
    assert seen["start_new_session"] is True and "PYTHONPATH" in seen["env"]
    assert jobs.main(["x"]) == 2


def test_only_hr_or_admin_of_the_issuer_ask_for_certificates_of_issued_award_decisions(db, org, signer):
    decision = issued(org, signer, [approved(org)])
    for user in (org.approver, org.secretary, org.viewer, make_user("hr_th2", (Role.HR, org.th))):
        with pytest.raises(PermissionDenied):
            jobs.request_certificates(decision, actor=user)
    draft = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=DAY, nomination_ids=[approved(org).id],
                                signer=signer)
    with pytest.raises(ops.NotAllowedNow):
        jobs.request_certificates(draft, actor=org.hr)
    assert jobs.request_certificates(decision, actor=org.admin).state == JobState.DONE


# --- pages ---------------------------------------------------------------------------------------------------

def test_the_pages_start_show_and_download_the_certificates(db, org, signer, login):
    decision = issued(org, signer)
    client = login(org.hr)
    page = client.get(f"/decisions/{decision.id}/certificates")
    assert page.status_code == 200 and "Tạo giấy khen" in page.get_data(as_text=True)
    assert client.get(f"/decisions/{decision.id}/certificates/status").get_json()["state"] == "none"
    started = client.post(f"/decisions/{decision.id}/certificates")
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/decisions/{decision.id}/certificates")
    body = client.get(f"/decisions/{decision.id}/certificates").get_data(as_text=True)
    assert 'class="progress-bar' in body and 'data-percent="100"' in body and "js/certificates.js" in body
    assert "<script>" not in body and 'style="' not in body  # CSP-friendly: no inline script or style
    status = client.get(f"/decisions/{decision.id}/certificates/status").get_json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == ("done", 2, 2, 100)
    assert status["download_url"].endswith(f"/decisions/{decision.id}/certificates.pdf")
    download = client.get(f"/decisions/{decision.id}/certificates.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "giay-khen-01-2022.pdf" in download.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(download.data)).pages) == 2
    download.close()
    job = jobs.job_for(decision)
    assert client.post(f"/decisions/{decision.id}/certificates").status_code == 302
    assert jobs.job_for(decision).attempts == job.attempts == 1


def test_a_failed_job_shows_the_error_and_the_retry_button(db, org, signer, login, monkeypatch):
    decision = issued(org, signer, [approved(org)])
    client = login(org.hr)
    monkeypatch.setattr(jobs, "render_decision_certificates", lambda *a, **k: 1 / 0)
    client.post(f"/decisions/{decision.id}/certificates")
    body = client.get(f"/decisions/{decision.id}/certificates").get_data(as_text=True)
    assert "ZeroDivisionError" in body and 'id="retry"' in body
    assert client.get(f"/decisions/{decision.id}/certificates.pdf").status_code == 404
    monkeypatch.undo()
    assert client.post(f"/decisions/{decision.id}/certificates/retry").status_code == 302
    assert client.get(f"/decisions/{decision.id}/certificates/status").get_json()["state"] == "done"


def test_certificate_pages_answer_403_in_scope_and_404_outside(db, org, signer, login, client):
    decision = issued(org, signer, [approved(org)])
    urls = [("get", f"/decisions/{decision.id}/certificates"), ("post", f"/decisions/{decision.id}/certificates"),
            ("get", f"/decisions/{decision.id}/certificates/status"),
            ("get", f"/decisions/{decision.id}/certificates.pdf"),
            ("post", f"/decisions/{decision.id}/certificates/retry")]
    for user, expected in ((org.approver, 403), (org.secretary, 403), (org.viewer, 404),
                           (make_user("hr_th3", (Role.HR, org.th)), 404)):
        login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == expected, (user.username, url)
        client.post("/logout")
    assert client.get(f"/decisions/{decision.id}/certificates").status_code == 302  # to the sign-in page
    assert db.session.scalar(select(CertificateJob).where(CertificateJob.decision_id == decision.id)) is None


def test_the_calibration_page_stores_offsets_for_hr_and_admins_only(db, org, login, client):
    login(org.hr)
    page = client.get("/decisions/calibration")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-template="default"' in body and 'data-template="LDTT"' in body
    keys = [chunk.split('"')[0] for chunk in body.split('data-template="')[1:]]
    count = len(keys)
    form = {}
    for index, key in enumerate(keys):
        form[f"rows-{index}-template"] = key
        form[f"rows-{index}-offset_x_mm"] = "2.5" if key == "LDTT" else "0"
        form[f"rows-{index}-offset_y_mm"] = "-1" if key == "LDTT" else "0"
        if key == "LDTT":
            form[f"rows-{index}-preprinted"] = "y"
    assert client.post("/decisions/calibration", data=form).status_code == 302
    row = db.session.scalar(select(PrintCalibration).where(PrintCalibration.template == "LDTT"))
    assert (float(row.offset_x_mm), float(row.offset_y_mm), row.preprinted) == (2.5, -1.0, True)
    assert len(db.session.scalars(select(PrintCalibration)).all()) == count  # one row per template key
    bad = dict(form, **{"rows-0-offset_x_mm": "25"})
    assert client.post("/decisions/calibration", data=bad).status_code == 422
    sample = client.get("/decisions/calibration/sample.pdf?template=LDTT")
    assert sample.status_code == 200 and sample.data.startswith(b"%PDF")
    assert "CỘNG HÒA" not in pages_text(sample.data)[0]  # LDTT is now printed on pre-printed blanks
    client.post("/logout")
    login(org.approver)
    assert client.get("/decisions/calibration").status_code == 403
    assert client.post("/decisions/calibration", data=form).status_code == 403
    assert client.get("/decisions/calibration/sample.pdf").status_code == 403


def test_the_cli_writes_the_certificates_of_a_decision(db, org, signer, app, tmp_path):
    decision = issued(org, signer, [approved(org)])
    output = tmp_path / "gk.pdf"
    result = app.test_cli_runner().invoke(args=["decisions", "certificates", str(decision.id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "01/QĐ-CTHADS" in result.output and len(PdfReader(str(output)).pages) == 1
    missing = app.test_cli_runner().invoke(args=["decisions", "certificates", "999999", "-o", str(output)])
    assert missing.exit_code == 1


def test_tokens_are_random_not_derived_from_ids(db, org, signer):
    decision = issued(org, signer, [approved(org) for _ in range(3)])
    tokens = [i.token for i in decision.items]
    assert len(set(tokens)) == 3 and all(len(t) == 22 for t in tokens)
    assert all(len(base64.urlsafe_b64decode(t + "==")) == 16 for t in tokens)  # 128 random bits each
    assert not any(str(i.id) in t for i in decision.items for t in tokens if len(str(i.id)) > 2)
