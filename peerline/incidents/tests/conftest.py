import pytest

from peerline.accounts.models import Role


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture(autouse=True)
def absolute_links(settings):
    settings.BASE_URL = "http://testserver"
