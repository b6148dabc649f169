"""Error pages are Vietnamese; /api/ answers JSON with a code; a stale write is refused with 409."""
from __future__ import annotations

from flask import abort
from sqlalchemy import update

from awards import create_app
from awards.core.errors import NotFound
from awards.extensions import db as _db
from awards.org.models import Unit
from tests.conftest import SuiteConfig


def test_404_page_is_vietnamese(client, org, login):
    login(org.hr)
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in page and "Về trang chủ" in page


def test_api_404_is_json_with_a_code(client, db):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["code"] == "not_found"


def _app_with_probe_routes():
    class Config(SuiteConfig):
        PROPAGATE_TEST_ERRORS = False

    app = create_app(Config)

    @app.get("/probe/boom")
    def boom():
        raise RuntimeError("unexpected")

    @app.get("/api/v1/probe/boom")
    def api_boom():
        raise RuntimeError("unexpected")

    @app.get("/probe/forbidden")
    def forbidden():
        abort(403)

    @app.get("/api/v1/probe/missing")
    def missing():
        raise NotFound()

    @app.post("/probe/stale/<code>")
    def stale(code):
        unit = _db.session.query(Unit).filter_by(code=code).one()
        # Someone else saves the same unit between our read and our write.
        _db.session.execute(update(Unit).where(Unit.id == unit.id).values(version=Unit.version + 1),
                            execution_options={"synchronize_session": False})
        unit.place = "changed by us"
        return "ok"

    return app


def test_500_page_is_vietnamese_and_api_500_is_json(db):
    app = _app_with_probe_routes()
    client = app.test_client()
    page = client.get("/probe/boom")
    assert page.status_code == 500 and "Lỗi hệ thống" in page.get_data(as_text=True)
    api = client.get("/api/v1/probe/boom")
    assert api.status_code == 500 and api.get_json()["code"] == "internal_error"
    forbidden = client.get("/probe/forbidden")
    assert forbidden.status_code == 403 and "Không có quyền truy cập" in forbidden.get_data(as_text=True)
    missing = client.get("/api/v1/probe/missing")
    assert missing.status_code == 404 and missing.get_json() == {
        "code": "not_found", "message": "Không tìm thấy.", "status": 404}


def test_a_stale_write_is_refused_with_409_and_nothing_is_overwritten(app):
    probe = _app_with_probe_routes()
    # The probe app has its own engine, outside the per-test transaction: create and remove its data.
    with probe.app_context():
        _db.session.add(Unit(code="STALE-PROBE", kind="other", place="original"))
        _db.session.commit()
        try:
            response = probe.test_client().post("/probe/stale/STALE-PROBE")
            assert response.status_code == 409
            assert "Xung đột dữ liệu" in response.get_data(as_text=True)
            _db.session.expire_all()
            unit = _db.session.query(Unit).filter_by(code="STALE-PROBE").one()
            assert unit.place == "original"  # our write was refused, not applied over the newer version
        finally:
            _db.session.rollback()
            _db.session.query(Unit).filter_by(code="STALE-PROBE").delete()
            _db.session.commit()
            _db.engine.dispose()
