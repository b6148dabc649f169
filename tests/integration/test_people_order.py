"""Staff lists are in Vietnamese order by given name, on both databases (the page and the API)."""
from awards.org.models import Person
from tests.factories import make_person

NAMES = ["Đặng Trung Trí", "Ngô Tấn Tài", "Nguyễn Công Duy", "Trịnh Văn Khánh", "Lê Thị Ánh", "Võ An"]
EXPECTED = ["Võ An", "Lê Thị Ánh", "Nguyễn Công Duy", "Trịnh Văn Khánh", "Ngô Tấn Tài", "Đặng Trung Trí"]


def test_people_list_and_api_sort_by_given_name(client, org, login, db):
    for i, name in enumerate(NAMES):
        make_person(org.dt_a, f"ORD{i}", full_name=name)
    login(org.hr)
    page = client.get(f"/people?unit={org.dt_a.code}").get_data(as_text=True)
    positions = [page.index(name) for name in EXPECTED]
    assert positions == sorted(positions)
    api = client.get(f"/api/v1/people?unit={org.dt_a.code}").get_json()
    assert [p["full_name"] for p in api["items"]] == EXPECTED


def test_renaming_keeps_the_sort_key(db, org):
    person = make_person(org.dt_a, "REN", full_name="Trần Văn Bình")
    person.full_name = "Trần Văn Anh"
    db.session.flush()
    assert db.session.get(Person, person.id).sort_name.startswith("a0n0h0-")
