"""Emulation years: THADS bounds by default, configurable by a top-level admin, never overlapping."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.core.errors import ValidationFailed
from awards.org import operations as ops
from awards.org.models import EmulationYear, Role
from awards.org.queries import current_year_label
from tests.factories import make_user


def test_save_year_refuses_overlaps_and_reversed_dates(db):
    ops.save_year(2021, date(2020, 10, 1), date(2021, 9, 30))
    with pytest.raises(ValidationFailed, match="trùng với năm thi đua 2021"):
        ops.save_year(2022, date(2021, 9, 1), date(2022, 9, 30))
    with pytest.raises(ValidationFailed, match="trước ngày kết thúc"):
        ops.save_year(2022, date(2022, 9, 30), date(2021, 10, 1))
    calendar = ops.save_year(2022, date(2022, 1, 1), date(2022, 12, 31))  # another sector's calendar year
    assert (calendar.start_date, calendar.end_date) == (date(2022, 1, 1), date(2022, 12, 31))


def test_the_year_of_a_date_follows_the_recorded_years_then_the_thads_default(db):
    assert current_year_label(date(2023, 9, 30)) == 2023
    assert current_year_label(date(2023, 10, 1)) == 2024
    ops.save_year(2024, date(2024, 1, 1), date(2024, 12, 31))
    assert current_year_label(date(2024, 10, 15)) == 2024


@pytest.fixture()
def system_admin(org):
    return make_user("sysadmin", (Role.ADMIN, org.root))


def test_a_top_level_admin_adds_and_edits_years(client, login, system_admin, db):
    login(system_admin)
    page = client.get("/admin/years").get_data(as_text=True)
    assert "Năm thi đua" in page and "01/10/" in page  # the next year is proposed in THADS bounds
    response = client.post("/admin/years", data={"label": "2021", "start_date": "01/10/2020",
                                                 "end_date": "30/09/2021"})
    assert response.status_code == 302
    year = db.session.scalar(select(EmulationYear).where(EmulationYear.label == 2021))
    assert (year.start_date, year.end_date) == (date(2020, 10, 1), date(2021, 9, 30))
    again = client.post("/admin/years", data={"label": "2021", "start_date": "01/10/2020",
                                              "end_date": "30/09/2021"})
    assert again.status_code == 422 and "đã có" in again.get_data(as_text=True)
    edit = client.post("/admin/years/2021/edit", data={"start_date": "01/01/2021", "end_date": "31/12/2021",
                                                       "version": str(year.version)})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(EmulationYear, year.id).start_date == date(2021, 1, 1)


def test_year_forms_refuse_bad_input_in_vietnamese_and_change_nothing(client, login, system_admin, db):
    ops.save_year(2021, date(2020, 10, 1), date(2021, 9, 30))
    db.session.commit()
    login(system_admin)
    bad = client.post("/admin/years", data={"label": "2022", "start_date": "31/02/2022", "end_date": ""})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Ngày không hợp lệ" in text or "ngày không hợp lệ" in text
    overlap = client.post("/admin/years", data={"label": "2022", "start_date": "01/09/2021", "end_date": "30/09/2022"})
    assert overlap.status_code == 422 and "trùng với năm thi đua 2021" in overlap.get_data(as_text=True)
    assert db.session.scalar(select(EmulationYear).where(EmulationYear.label == 2022)) is None


def test_a_stale_year_edit_is_refused(client, login, system_admin, db):
    year = ops.save_year(2021, date(2020, 10, 1), date(2021, 9, 30))
    db.session.commit()
    loaded = year.version
    login(system_admin)
    first = client.post("/admin/years/2021/edit", data={"start_date": "02/10/2020", "end_date": "30/09/2021",
                                                        "version": str(loaded)})
    assert first.status_code == 302
    second = client.post("/admin/years/2021/edit", data={"start_date": "03/10/2020", "end_date": "30/09/2021",
                                                         "version": str(loaded)})
    assert second.status_code == 409
    db.session.expire_all()
    assert db.session.get(EmulationYear, year.id).start_date == date(2020, 10, 2)


def test_only_a_top_level_admin_may_change_years(client, login, org, db):
    for user in (org.hr, make_user("provadmin", (Role.ADMIN, org.dt))):
        client.post("/logout")
        login(user)
        assert client.get("/admin/years").status_code == 403
        assert client.post("/admin/years", data={"label": "2030", "start_date": "01/10/2029",
                                                 "end_date": "30/09/2030"}).status_code == 403
    assert db.session.scalar(select(EmulationYear).where(EmulationYear.label == 2030)) is None
    assert client.get("/admin/years/2099/edit").status_code == 403
