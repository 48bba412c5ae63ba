from peerline.accounts.models import Role


def test_it_shows_each_role_its_own_card(client_for):
    response = client_for(Role.COORDINATOR).get("/")
    assert response.status_code == 200
    assert b'data-role="coordinator"' in response.content
    assert b'data-role="command_staff"' not in response.content


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
