"""`flask decisions render ID -o FILE.pdf`: the stored PDF of an issued decision byte for byte, a draft rendered
without a number, and a Vietnamese refusal (exit 1) for an unknown id or an outcome recorded from above."""
from __future__ import annotations

import hashlib
import subprocess
from datetime import date

import pytest

from awards.decisions import operations as ops
from awards.nominations import operations as nominations
from tests.factories import make_person
from tests.integration.test_decisions import approved


@pytest.fixture()
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["decisions", "render", *map(str, args)])


@pytest.fixture()
def signer(org):
    return make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def draft(org, signer):
    return ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 1, 10),
                               nomination_ids=[approved(org).id, approved(org).id], signer=signer)


def text_of(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_an_issued_decision_is_written_byte_for_byte(cli, db, org, signer, tmp_path):
    decision = draft(org, signer)
    ops.issue(decision, actor=org.hr)
    out = tmp_path / "qd.pdf"
    result = cli(decision.id, "-o", out)
    assert result.exit_code == 0, result.output
    written = out.read_bytes()
    assert written == decision.pdf.content
    assert hashlib.sha256(written).hexdigest() == decision.pdf.sha256
    assert decision.pdf.sha256 in result.output and "01/QĐ-CTHADS" in result.output
    assert "Số: 01/QĐ-CTHADS" in text_of(out)


def test_a_draft_is_rendered_now_without_a_number(cli, db, org, signer, tmp_path):
    decision = draft(org, signer)
    out = tmp_path / "du-thao.pdf"
    result = cli(decision.id, "--output", out)
    assert result.exit_code == 0, result.output
    assert "dự thảo" in result.output
    text = text_of(out)
    assert "/QĐ-CTHADS" in text and "01/QĐ-CTHADS" not in text
    assert "QUYẾT ĐỊNH" in text and "Nguyễn Văn Lợi" in text
    assert decision.pdf is None  # a draft's rendering is not stored


def test_an_unknown_id_exits_1_with_a_vietnamese_message(cli, db, tmp_path):
    out = tmp_path / "none.pdf"
    result = cli(987654, "-o", out)
    assert result.exit_code == 1
    assert "Không tìm thấy quyết định có id 987654." in result.stderr
    assert not out.exists()


def test_an_outcome_from_above_has_no_file(cli, db, org, tmp_path):
    nomination = nominations.create_nomination(actor=org.proposer, nominee=make_person(org.dt_a), award_code="BK_BO",
                                               year=2021)
    nomination.state = "referred"
    db.session.flush()
    external = ops.record_external(actor=org.hr, unit=org.dt, external_issuer="Bộ Tư pháp",
                                   external_number="123/QĐ-BTP", decided_on=date(2022, 1, 10),
                                   nomination_ids=[nomination.id])
    result = cli(external.id, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1 and "không có tệp PDF" in result.stderr


def test_the_output_is_required(cli, db):
    result = cli(1)
    assert result.exit_code == 2 and "--output" in result.output
