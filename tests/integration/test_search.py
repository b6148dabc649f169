"""The search box: accent-insensitive matching (Nguyen Van ↔ Nguyễn Văn, Dang ↔ Đặng), every record type found,
each group scoped exactly as its own list (out-of-scope records never appear), empty and short queries, the query
escaped in the page, "xem tất cả" links, and a statement count that does not grow with the matches."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, select

from awards.catalogue.models import Award
from awards.core.models import utcnow
from awards.decisions.models import Decision, DecisionKind, DecisionState
from awards.documents.models import StoredDocument
from awards.extensions import db as _db
from awards.initiatives.models import InitiativeScope
from awards.initiatives.operations import save_initiative
from awards.nominations.models import Nomination
from awards.search import queries
from tests.factories import make_person, make_unit, make_user

DAY = date(2022, 1, 10)


def _as(client, login, user):
    """Sign ``user`` in on a fresh session (a signed-in client is not switched by the login form)."""
    client.post("/logout")
    login(user)


def _search(client, q: str) -> str:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _group(html: str, kind: str) -> str:
    """The HTML of one group's card ("" when the group is not shown)."""
    found = re.search(rf'<section [^>]*id="group-{kind}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def _total(html: str, kind: str) -> int | None:
    found = re.search(rf'id="group-{kind}" data-total="(\d+)"', html)
    return int(found.group(1)) if found else None


def _nomination(org, nominee, *, proposing=None, deciding=None, state="submitted", award="LDTT") -> Nomination:
    award_row = _db.session.scalar(select(Award).where(Award.code == award))
    fields = {"person": nominee} if nominee.__class__.__name__ == "Person" else {"unit": nominee}
    n = Nomination(award=award_row, year=2021, proposing_unit=proposing or org.dt_a, deciding_unit=deciding or org.dt,
                   state=state, **fields)
    _db.session.add(n)
    _db.session.flush()
    return n


def _decision(issuer, *, number=None, state=DecisionState.ISSUED, subject="Về việc khen thưởng") -> Decision:
    decision = Decision(kind=DecisionKind.AWARD, state=state, issuer=issuer, year=DAY.year, award_year=DAY.year - 1,
                        decided_on=DAY, symbol="QĐ-CTHADS", subject=subject, number=number)
    if state != DecisionState.DRAFT:  # an issued decision has its stored file (the database asks for it)
        decision.issued_at = utcnow()
        decision.pdf = StoredDocument(kind="decision", filename="x.pdf", content=b"%PDF-1.4\n", sha256="0" * 64)
    _db.session.add(decision)
    _db.session.flush()
    return decision


# --- accents ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stored", "typed"), [
    ("Nguyễn Văn Hùng", "Nguyen Van"),
    ("Nguyễn Văn Hùng", "nguyen van hung"),
    ("Nguyen Van Hung", "Nguyễn Văn"),      # folded on both sides
    ("Đặng Thị Lan", "Dang"),
    ("Đặng Thị Lan", "đặng"),
    ("Đặng Thị Lan", "ĐẶNG THỊ"),
    ("Dang Thi Lan", "Đang"),               # "đ" typed finds a plain "d"
    ("Trần Thị Ánh Tuyết", "anh tuyet"),
])
def test_names_match_without_regard_to_accents_or_case(db, org, client, login, stored, typed):
    person = make_person(org.dt_a, full_name=stored)
    make_person(org.dt_a, full_name="Lê Minh Khoa")
    login(org.hr)
    people = _group(_search(client, typed), "people")
    assert f'href="/people/{person.code}"' in people
    assert "Lê Minh Khoa" not in people


def test_every_word_must_match_and_a_different_vowel_does_not(db, org, client, login):
    hung = make_person(org.dt_a, full_name="Nguyễn Văn Hùng")
    hang = make_person(org.dt_a, full_name="Nguyễn Thị Hằng")
    login(org.hr)
    html = _group(_search(client, "nguyen hung"), "people")
    assert hung.code in html and hang.code not in html
    html = _group(_search(client, "Hùng Văn"), "people")  # words in any order
    assert hung.code in html and hang.code not in html
    assert _total(_search(client, "Nguyễn Hong"), "people") == 0  # o is not u: folding keeps the base letters


# --- every type ------------------------------------------------------------------------------------------------

def test_units_are_found_by_name_or_code(db, org, client, login):
    login(org.hr)
    html = _search(client, "lap vo")
    assert 'href="/units/DT-A"' in _group(html, "units")
    assert "DT-B" not in _group(html, "units")
    assert 'href="/units/DT-B"' in _group(_search(client, "dt-b"), "units")


def test_nominations_are_found_by_the_nominee_person_or_collective(db, org, client, login):
    person = _nomination(org, make_person(org.dt_a, full_name="Phạm Thị Đào"))
    collective = _nomination(org, org.dt_a, award="TTLDTT")
    login(org.hr)
    html = _group(_search(client, "pham thi dao"), "nominations")
    assert f'href="/nominations/{person.id}"' in html and "LDTT" in html
    html = _group(_search(client, "Lấp Vò"), "nominations")
    assert f'href="/nominations/{collective.id}"' in html and f'/nominations/{person.id}"' not in html


def test_decisions_are_found_by_number_symbol_subject_and_nominee(db, org, client, login):
    first = _decision(org.dt, number=1, subject="Về việc tặng danh hiệu Lao động tiên tiến")
    twelfth = _decision(org.dt, number=12, subject="Về việc tặng Giấy khen")
    login(org.hr)
    for typed in ("01/QĐ-CTHADS", "1/qd-cthads", "01/QĐ", "01"):
        html = _group(_search(client, typed), "decisions")
        assert f'href="/decisions/{first.id}"' in html, typed
        assert f'href="/decisions/{twelfth.id}"' not in html, typed
    assert "01/QĐ-CTHADS" in _group(_search(client, "01/QĐ-CTHADS"), "decisions")
    html = _group(_search(client, "giay khen"), "decisions")
    assert f"/decisions/{twelfth.id}" in html and f"/decisions/{first.id}" not in html


def test_a_decision_is_found_by_a_nominee_named_in_it(db, org, client, login):
    from awards.decisions import operations as ops
    from tests.integration.test_decisions import approved

    nomination = approved(org)
    nomination.person.full_name = "Võ Thị Ngọc Ánh"
    _db.session.flush()
    signer = make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")
    decision = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=DAY, nomination_ids=[nomination.id],
                                   signer=signer)
    login(org.hr)
    html = _group(_search(client, "vo thi ngoc anh"), "decisions")
    assert f'href="/decisions/{decision.id}"' in html and "Dự thảo" in html


def test_initiatives_are_found_by_title_code_or_author(db, org, client, login):
    author = make_person(org.dt_a, full_name="Đỗ Văn Quý")
    initiative = save_initiative("SK-TEST-1", title="Số hóa hồ sơ thi hành án", authors=[author], unit=org.dt_a,
                                 year=2021, scope=InitiativeScope.BASE)
    login(org.hr)
    for typed in ("so hoa ho so", "sk-test-1", "do van quy"):
        assert f'href="/initiatives/{initiative.code}"' in _group(_search(client, typed), "initiatives"), typed


# --- scope -----------------------------------------------------------------------------------------------------

@pytest.fixture()
def spread(org):
    """One "Nguyễn Văn" person and one nomination of them in each branch (two in Đồng Tháp, one in Thanh Hóa)."""
    people = {code: make_person(unit, full_name=f"Nguyễn Văn {code}")
              for code, unit in (("A", org.dt_a), ("B", org.dt_b), ("T", org.th_a))}
    noms = {"A": _nomination(org, people["A"], proposing=org.dt_a, deciding=org.dt),
            "B": _nomination(org, people["B"], proposing=org.dt_b, deciding=org.dt),
            "T": _nomination(org, people["T"], proposing=org.th_a, deciding=org.th)}
    return people, noms


@pytest.mark.parametrize(("role", "people_seen", "nominations_seen"), [
    ("admin", "ABT", "ABT"),
    ("hr", "AB", "AB"),
    ("approver", "AB", "AB"),
    ("proposer", "A", "A"),       # a proposer sees their branch's nominations only
    ("viewer", "T", ""),          # the viewer's nominations list holds none: neither does the search
])
def test_each_group_is_scoped_like_its_own_list(db, org, client, login, spread, role, people_seen,
                                                nominations_seen):
    people, noms = spread
    login(getattr(org, role))
    html = _search(client, "Nguyen Van")
    found_people = {k for k, p in people.items() if f'href="/people/{p.code}"' in _group(html, "people")}
    found_noms = {k for k, n in noms.items() if f'href="/nominations/{n.id}"' in _group(html, "nominations")}
    assert found_people == set(people_seen)
    assert found_noms == set(nominations_seen)
    assert _total(html, "people") == len(people_seen)
    assert _total(html, "nominations") == len(nominations_seen)


def test_out_of_scope_units_and_initiatives_never_appear(db, org, client, login):
    author = make_person(org.th_a, full_name="Hoàng Văn Sơn")
    save_initiative("SK-TH-1", title="Sáng kiến Quan Sơn", authors=[author], unit=org.th_a, year=2021,
                    scope=InitiativeScope.BASE)
    login(org.hr)
    html = _search(client, "quan son")
    assert _total(html, "units") == 0 and _total(html, "initiatives") == 0 and _total(html, "people") == 0
    assert "SK-TH-1" not in html and "TH-A" not in html
    _as(client, login, org.viewer)
    html = _search(client, "quan son")
    assert _total(html, "units") == 1 and "SK-TH-1" in _group(html, "initiatives")


def test_decisions_follow_the_decision_roles(db, org, client, login):
    issued = _decision(org.dt, number=7, subject="Khen thưởng Đồng Tháp")
    draft = _decision(org.dt, state=DecisionState.DRAFT, subject="Khen thưởng Đồng Tháp dự thảo")
    other = _decision(org.th, number=7, subject="Khen thưởng Thanh Hóa")
    viewer = make_user("t_viewer_dt", ("viewer", org.dt))
    ids = {"issued": issued.id, "draft": draft.id, "other": other.id}

    def seen(user) -> set[str] | None:
        _as(client, login, user)
        html = _search(client, "khen thuong")
        if _total(html, "decisions") is None:
            return None
        return {k for k, i in ids.items() if f'href="/decisions/{i}"' in _group(html, "decisions")}

    assert seen(org.hr) == {"issued", "draft"}
    assert seen(org.secretary) == {"issued", "draft"}
    assert seen(viewer) == {"issued"}            # viewers never see drafts
    assert seen(org.proposer) is None            # no decision role: no decisions group at all
    assert seen(org.member) is None
    assert seen(org.admin) == {"issued", "draft", "other"}


# --- the page ----------------------------------------------------------------------------------------------------

def test_empty_and_short_queries_search_nothing(db, org, client, login):
    make_person(org.dt_a, full_name="A Lý")
    login(org.hr)
    html = _search(client, "")
    assert 'id="search-empty"' in html and "group-people" not in html
    for short in ("a", "  đ  "):
        html = _search(client, short)
        assert 'id="search-too-short"' in html and "group-people" not in html, short
    assert queries.long_enough("Lê") and not queries.long_enough(" L ")
    assert _total(_search(client, "A Lý"), "people") == 1  # two characters in all are enough


def test_the_query_is_escaped_and_wildcards_are_literal(db, org, client, login):
    make_person(org.dt_a, full_name="Nguyễn Văn Hùng")
    login(org.hr)
    html = _search(client, '<script>alert("x")</script>')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    for pattern in ("%%", "__", "**", "[a", "??"):  # LIKE's and GLOB's wildcards match themselves only
        assert _search(client, pattern).count('class="list-group-item"') == 0, pattern


def test_long_queries_are_cut_and_words_capped(db, org, client, login):
    login(org.hr)
    assert client.get("/search", query_string={"q": "x" * 5000}).status_code == 200
    assert queries.clean("  " + "y" * 500) == "y" * queries.MAX_LENGTH


def test_a_full_group_links_to_its_filtered_list(db, org, client, login):
    for i in range(queries.PER_GROUP + 2):
        make_person(org.dt_a, full_name=f"Trịnh Văn {chr(65 + i)}")
    login(org.hr)
    html = _search(client, "Trinh Van")
    people = _group(html, "people")
    assert _total(html, "people") == queries.PER_GROUP + 2
    assert people.count('class="list-group-item"') == queries.PER_GROUP
    assert 'href="/people?q=Trinh+Van"' in people and "xem tất cả" in people
    assert "see-all" not in _group(html, "units")  # the units tree has no filter to link to
    # The list the link leads to shows them all.
    assert client.get("/people?q=Trinh+Van").get_data(as_text=True).count('href="/people/P') == queries.PER_GROUP + 2


def test_the_navbar_box_searches(db, org, client, login):
    login(org.hr)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<form [^>]*action="/search"[^>]*id="nav-search"', html)
    assert 'value="Lấp Vò"' in _search(client, "Lấp Vò")  # the box keeps the query on the results page


def test_statements_do_not_grow_with_the_matches(db, org, client, login):
    def statements() -> int:
        seen = []
        _db.session.flush()
        _db.session.expunge_all()
        engine = _db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/search?q=Nguyen+Van").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def add(n: int) -> None:
        for _ in range(n):
            unit = make_unit(parent=org.dt)  # a unit each: a name loaded row by row would show
            person = make_person(unit, full_name="Nguyễn Văn Thử")
            _nomination(org, person, proposing=unit, deciding=org.dt)
            save_initiative(f"SK-{person.code}", title="Sáng kiến", authors=[person], unit=unit, year=2021,
                            scope=InitiativeScope.BASE)

    login(org.hr)
    add(2)
    few = statements()
    add(12)
    assert statements() == few


@pytest.mark.parametrize("name", ["Nguyễn Văn Hùng", "Đặng Thị Lan", "Trương Thị Ưng", "Lê Thị Thu-Hà",
                                  "Ông Ích Khiêm"])
def test_the_sort_key_pattern_finds_every_word_of_a_name_typed_any_way(name):
    from awards.core.formatting import name_sort_key
    from awards.org.queries import fold_text

    key = name_sort_key(name)
    for word in name.replace("-", " ").split():
        for typed in (word, fold_text(word), word.upper()):
            pattern = queries.sort_name_pattern(typed)
            regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
            assert re.fullmatch(regex, key), (typed, key)
    assert queries.sort_name_pattern("Thu-Hà") is None  # punctuation: the name itself is matched instead
    assert not re.fullmatch(queries.sort_name_pattern("ab").replace("%", ".*").replace("_", "."), key)


def test_the_groups_count_what_their_lists_show(db, org, client, login):
    for name in ("Nguyễn Văn Hùng", "Nguyen Van Hung", "Nguyễn Vân", "Trần Văn Nguyên", "Đỗ Thị Lợi"):
        person = make_person(org.dt_a, full_name=name)
        save_initiative(f"SK-{person.code}", title=f"Sáng kiến của {name}", authors=[person], unit=org.dt_a,
                        year=2021, scope=InitiativeScope.BASE)
    login(org.hr)
    for typed in ("nguyen van", "Nguyễn", "van", "loi"):
        html = _search(client, typed)
        people_list = client.get("/people", query_string={"q": typed}).get_data(as_text=True)
        initiative_list = client.get("/initiatives", query_string={"q": typed}).get_data(as_text=True)
        assert _total(html, "people") == len(set(re.findall(r'href="/people/(P\d+)"', people_list))), typed
        assert _total(html, "initiatives") == len(set(re.findall(r'href="/initiatives/(SK-P\d+)"',
                                                                initiative_list))), typed
