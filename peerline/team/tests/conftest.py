import pytest

from peerline.accounts.models import Role

from .helpers import login_for


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def sergeant_login(chain):
    """The volunteer's superior, with a log-in (a recommender)."""
    return login_for(chain.sergeant)
