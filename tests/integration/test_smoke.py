from awards.org.models import Unit


def test_login_then_dashboard(client, org, login):
    login(org.proposer)
    assert client.get("/").status_code == 200


def test_rollback_isolates_tests(db):
    assert db.session.query(Unit).count() == 0
