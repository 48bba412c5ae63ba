"""The test OpenID Connect provider as a pytest fixture: `node provider.js` (the certified
`oidc-provider` package, installed by `make tests/oidc/node_modules/.installed`), started once
per session after the live server, whose callback URL it must know."""

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CLIENT_ID = "peerline-tests"
CLIENT_SECRET = "a-test-client-secret-of-no-value"


@dataclass
class OIDCProvider:
    issuer: str
    accounts_file: Path

    def set_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        """Who can sign in at the provider: login name → claims (and `amr`)."""
        self.accounts_file.write_text(json.dumps(accounts))

    def settings(self) -> dict[str, str]:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "PEERLINE_OIDC_END_SESSION_ENDPOINT": f"{self.issuer}/session/end",
            "OIDC_RP_SCOPES": "openid email profile employee groups",
            "PEERLINE_OIDC_PROVIDER_NAME": "Test identity provider",
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider(
    live_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OIDCProvider]:
    node = shutil.which("node")
    assert node, "Node.js is needed for the test identity provider"
    assert (HERE / "node_modules" / "oidc-provider").is_dir(), (
        "the test identity provider is not installed: run `make tests/oidc/node_modules/.installed`"
    )
    accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts.write_text("{}")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [node, "provider.js", str(port), str(accounts),
         f"{live_server.url}/signin/sso/callback/", CLIENT_ID, CLIENT_SECRET],
        cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("ready"), f"the test identity provider did not start: {line!r}"
    try:
        yield OIDCProvider(issuer=f"http://127.0.0.1:{port}", accounts_file=accounts)
    finally:
        process.terminate()
        process.wait(timeout=10)
