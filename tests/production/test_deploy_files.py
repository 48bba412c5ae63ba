"""The deployment files shipped in deploy/ are valid as written (docs/deploy.md installs them)."""

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
@pytest.mark.parametrize(
    "unit",
    sorted(p.name for p in (DEPLOY / "systemd").iterdir() if p.suffix in {".service", ".timer"}),
)
def test_the_systemd_unit_verifies(unit, tmp_path):
    # The units name /opt/peerline/.venv/bin/peerline; verify them against a stand-in of it so
    # the check is about the unit files, not about this machine's layout.
    text = (DEPLOY / "systemd" / unit).read_text()
    stand_in = tmp_path / "peerline"
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    copy = tmp_path / unit
    copy.write_text(text.replace("/opt/peerline/.venv/bin/peerline", str(stand_in)))
    if unit.endswith(".timer"):
        service = unit.replace(".timer", ".service")
        source = (DEPLOY / "systemd" / service).read_text()
        (tmp_path / service).write_text(
            source.replace("/opt/peerline/.venv/bin/peerline", str(stand_in))
        )
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", str(copy)],  # noqa: S607
        capture_output=True, text=True, check=False, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    # Only lines about our unit count (the host's own units may have warnings of their own).
    ours = [line for line in result.stderr.splitlines() if unit in line or "peerline" in line]
    assert result.returncode == 0 and not ours, result.stderr


def test_the_units_run_serve_and_worker_as_the_guide_says():
    web = (DEPLOY / "systemd" / "peerline-web.service").read_text()
    worker = (DEPLOY / "systemd" / "peerline-worker.service").read_text()
    guide = (DEPLOY.parent / "docs" / "deploy.md").read_text()
    assert "peerline serve --bind 127.0.0.1:8000" in web
    assert "peerline worker" in worker and "Restart=always" in worker
    assert "EnvironmentFile=/etc/peerline/peerline.env" in web
    for name in ("peerline-web.service", "peerline-worker.service", "peerline.conf"):
        assert name in guide


def test_the_proxy_example_overwrites_the_scheme_header_peerline_trusts():
    conf = (DEPLOY / "nginx" / "peerline.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "ssl_certificate " in conf and "listen 443 ssl" in conf
    assert "$request_uri" not in conf.split("log_format", 1)[1].split(";", 1)[0]


def test_the_guide_names_every_environment_variable_the_settings_read():
    import re

    settings_py = (DEPLOY.parent / "peerline" / "settings.py").read_text()
    read = set(re.findall(r'env\w*\(\s*"([A-Z_]+)"', settings_py))
    assert {"PEERLINE_SECRET_KEY", "DATABASE_URL", "PEERLINE_TRUST_PROXY_HEADERS"} <= read
    guide = (DEPLOY.parent / "docs" / "deploy.md").read_text()
    missing = sorted(name for name in read if f"`{name}`" not in guide)
    assert not missing, f"docs/deploy.md does not describe {missing}"
    example = (DEPLOY / "peerline.env.example").read_text()
    for name in re.findall(r"^([A-Z_]+)=", example, re.M):
        assert name in read, f"the example sets {name}, which nothing reads"
