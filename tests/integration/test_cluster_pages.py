"""Cluster scoring pages: the year page, the scorecard form (self-score, submit), the review form, the flag,
the cluster's ballot on the nomination page, and the link from the unit tree."""
from __future__ import annotations

import re

from awards.clusters import operations as ops
from awards.clusters.models import CardState
from awards.extensions import db as _db
from tests.integration import test_cluster_scoring as scoring_tests
from tests.integration.test_cluster_scoring import YEAR, criterion, manual, reviewed, submitted

# The same cluster and council as the operation tests (fixtures are found by name in this module).
world = scoring_tests.world
ballot = scoring_tests.ballot


def switch(client, login, user):
    """Sign out, then in as ``user`` (signing in while signed in only goes to the dashboard)."""
    client.post("/logout")
    login(user)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_year_page_lists_members_with_states_and_the_official_ranking(client, login, world):
    reviewed(world, world.a, world.proposer_a, 4000, 9500)
    submitted(world, world.b, world.proposer_b)
    login(world.org.proposer)  # a member unit's proposer sees the cluster (not organised in their scope)
    html = page(client, f"/clusters/DT-CUM1/{YEAR}")
    assert "Chưa thẩm định đủ: xếp hạng tạm" in html
    rows = re.findall(r'<tr data-unit="([^"]+)">\s*<td>([^<]*)', html)
    assert rows == [("DT-A", "1"), ("DT-B", "—"), ("DT-C", "—")]
    assert "Đã gửi, chờ thẩm định" in html and "Chưa lập" in html
    assert re.search(r'data-unit="DT-A">.*?<td class="text-end">195</td>', html, re.S)  # 60 + 40 + 95 points
    reviewed_c = submitted(world, world.c, world.proposer_c)
    ops.review_scorecard(ops.scorecard_of(world.cluster, YEAR, world.b), actor=world.org.secretary,
                         scores=manual(world, 3500, 9000), finish=True)
    ops.review_scorecard(reviewed_c, actor=world.org.secretary, scores=manual(world, 3500, 9000), finish=True)
    html = page(client, f"/clusters/DT-CUM1/{YEAR}")
    assert "Đã thẩm định đủ: xếp hạng chính thức" in html
    assert "Đề nghị Cờ thi đua</button>" in html and 'name="unit_code"' not in html  # no tie: nothing to choose


def test_a_cluster_outside_the_users_scope_answers_404(client, login, world):
    login(world.th_secretary)
    assert client.get(f"/clusters/DT-CUM1/{YEAR}").status_code == 404
    assert client.get(f"/clusters/DT-CUM1/{YEAR}/units/DT-A").status_code == 404
    switch(client, login, world.org.proposer)
    assert client.get(f"/clusters/DT-CUM1/{YEAR}/units/TH-A").status_code == 404  # not a member
    assert client.get(f"/clusters/NOPE/{YEAR}").status_code == 404


def test_the_unit_fills_saves_and_submits_its_card_in_the_browser(client, login, world):
    login(world.proposer_a)
    html = page(client, f"/clusters/DT-CUM1/{YEAR}/units/DT-A")
    i3, ii1 = criterion(world, "I.3"), criterion(world, "II.1")
    assert f'name="self-{i3.id}"' in html and "Gửi Trưởng cụm, Phó cụm" in html
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self",
                           data={f"self-{i3.id}": "35,5", f"selfnote-{i3.id}": "Giảm 12 việc tồn", "action": "save"})
    assert response.status_code == 302
    card = ops.scorecard_of(world.cluster, YEAR, world.a)
    assert (card.line_for(i3).self_score, card.line_for(i3).self_note) == (3550, "Giảm 12 việc tồn")
    html = page(client, f"/clusters/DT-CUM1/{YEAR}/units/DT-A")
    assert "Tỷ lệ việc 82,48% / chỉ tiêu 81,50% (số liệu tháng 9/2021)" in html
    assert "Tỷ lệ tiền 50,00% / chỉ tiêu 40,10% (số liệu tháng 9/2021)" in html
    # Submitting without every manual criterion is refused on the page, with the reason and nothing stored.
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self",
                           data={"version": card.version, f"self-{i3.id}": "35,5", "action": "submit"})
    assert response.status_code == 422 and "Chưa tự chấm các tiêu chí: II.1" in response.get_data(as_text=True)
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self",
                           data={"version": card.version, f"self-{i3.id}": "abc", "action": "save"})
    assert response.status_code == 422 and "I.3: điểm không hợp lệ" in response.get_data(as_text=True)
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self",
                           data={"version": card.version, f"self-{i3.id}": "35,5", f"self-{ii1.id}": "90",
                                 "action": "submit"})
    assert response.status_code == 302
    _db.session.refresh(card)
    assert card.state == CardState.SUBMITTED


def test_a_stale_form_answers_409(client, login, world):
    card = ops.open_scorecard(actor=world.proposer_a, cluster=world.cluster, year=YEAR, unit=world.a)
    seen = card.version
    ops.save_self_scores(card, actor=world.proposer_a, scores=manual(world, 100, 100))
    _db.session.commit()
    login(world.proposer_a)
    i3 = criterion(world, "I.3")
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self",
                           data={"version": seen, f"self-{i3.id}": "20", "action": "save"})
    assert response.status_code == 409
    assert card.line_for(i3).self_score == 100


def test_other_units_and_roles_cannot_post_a_card(client, login, world):
    login(world.proposer_b)
    assert client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self", data={"action": "save"}).status_code == 403
    switch(client, login, world.org.viewer)  # Thanh Hóa's viewer: the DT cluster is out of sight
    assert client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/self", data={"action": "save"}).status_code == 404


def test_the_deputy_reviews_the_leaders_card_in_the_browser(client, login, world):
    card = submitted(world, world.a, world.proposer_a, 3500, 9000)
    _db.session.commit()
    i3, ii1 = criterion(world, "I.3"), criterion(world, "II.1")
    login(world.leader_secretary)  # the leader's own card: no review form, and a POST is refused
    html = page(client, f"/clusters/DT-CUM1/{YEAR}/units/DT-A")
    assert f'name="final-{i3.id}"' not in html
    assert client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/review",
                       data={"action": "finish", "version": card.version}).status_code == 403
    switch(client, login, world.deputy_approver)
    html = page(client, f"/clusters/DT-CUM1/{YEAR}/units/DT-A")
    assert f'name="final-{i3.id}" aria-label="Thẩm định I.3" value="35"' in html  # pre-filled with the self-score
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/review",
                           data={"version": card.version, f"final-{i3.id}": "30", f"final-{ii1.id}": "90",
                                 "action": "finish"})
    assert response.status_code == 422 and "I.3: ghi lý do" in response.get_data(as_text=True)
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-A/review",
                           data={"version": card.version, f"final-{i3.id}": "30",
                                 f"finalnote-{i3.id}": "Thiếu minh chứng", f"final-{ii1.id}": "90", "action": "finish"})
    assert response.status_code == 302
    _db.session.refresh(card)
    assert card.state == CardState.REVIEWED and card.line_for(i3).final_score == 3000
    assert "Thiếu minh chứng" in page(client, f"/clusters/DT-CUM1/{YEAR}/units/DT-A")


def test_the_reviewer_returns_a_card_from_the_page(client, login, world):
    card = submitted(world, world.c, world.proposer_c)
    _db.session.commit()
    login(world.org.secretary)
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/units/DT-C/review",
                           data={"version": card.version, "action": "return", "return_note": "Bổ sung minh chứng"})
    assert response.status_code == 302
    _db.session.refresh(card)
    assert card.state == CardState.DRAFT
    assert "Bị trả lại: Bổ sung minh chứng" in page(client, f"/clusters/DT-CUM1/{YEAR}/units/DT-C")


def test_the_flag_is_proposed_from_the_year_page(client, login, world):
    reviewed(world, world.a, world.proposer_a, 4000, 9500)
    reviewed(world, world.b, world.proposer_b)
    reviewed(world, world.c, world.proposer_c)
    _db.session.commit()
    login(world.proposer_b)
    assert client.post(f"/clusters/DT-CUM1/{YEAR}/flag").status_code == 403  # not the top unit's proposer
    switch(client, login, world.proposer_a)
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/flag")
    assert response.status_code == 302 and "/nominations/" in response.headers["Location"]
    html = page(client, f"/clusters/DT-CUM1/{YEAR}")
    assert "Đơn vị được cụm suy tôn" in html and world.a.name in html


def test_a_template_from_the_standard_table(client, login, world):
    login(world.proposer_a)
    assert client.post(f"/clusters/DT-CUM1/{YEAR}/template").status_code == 403
    assert client.post("/clusters/DT-CUM1/2022/template").status_code == 404  # no member of theirs that year
    switch(client, login, world.org.secretary)
    response = client.post(f"/clusters/DT-CUM1/{YEAR}/template")
    assert response.status_code == 422 and "Đã có bảng điểm" in response.get_data(as_text=True)
    assert client.post("/clusters/DT-CUM1/2022/template", data={"shared": "1"}).status_code == 302
    template = ops.template_for(world.cluster, 2022)
    assert (template.cluster_id, template.max_total, template.groups[0].max_points) == (None, 20000, 11000)
    assert [c.source.value for c in template.groups[0].criteria][:2] == ["case_rate", "money_rate"]


def test_the_unit_tree_links_to_the_clusters_scoring(client, login, world):
    login(world.org.secretary)
    html = page(client, "/units")
    assert f'href="/clusters/DT-CUM1/{YEAR}"' in html


def test_the_nomination_page_shows_the_clusters_vote(client, login, ballot):
    from datetime import date

    from awards.councils import operations as councils

    w = ballot
    session = councils.create_session(actor=w.org.secretary, council=w.council, held_on=date(2021, 11, 20),
                                      nomination_ids=[w.flag.id])
    councils.record_attendance(actor=w.org.secretary, session=session, present_person_ids=[p.id for p in w.people])
    councils.open_session(actor=w.org.secretary, session=session)
    for index, user in enumerate(w.voters):
        councils.cast_ballot(actor=user, session=session, round_number=1,
                             votes={str(w.flag.id): "yes" if index < 4 else "no"})
    councils.close_round(actor=w.org.secretary, session=session)
    councils.close_session(actor=w.org.secretary, session=session)
    _db.session.commit()
    login(w.org.secretary)
    html = page(client, f"/nominations/{w.flag.id}")
    section = html.split('id="cluster-vote"')[1].split("</section>")[0]
    assert "Cụm thi đua số 1 · 20/11/2021" in section and "4/5 phiếu đồng ý" in section
    assert "<strong>đạt</strong>" in section
