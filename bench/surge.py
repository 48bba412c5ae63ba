"""The surge of issue 18 for locust (bench/suite.py starts it; locust lives in .venv-bench):
after a line-of-duty death everyone opens Peerline at once. Each simulated person waits 1-5 s
between requests. PSPs log contacts (the API, their token) and check who is on call; employees
look for a peer; the coordinator watches the incident board and the incident. Every person has a
session of their own, made by the suite, as after the log-in and the second factor.

    PEERLINE_SURGE_PLAN=plan.json locust -f bench/surge.py --headless --host http://127.0.0.1:8000
"""

import itertools
import json
import os

from locust import FastHttpUser, between, task

PLAN = json.loads(open(os.environ["PEERLINE_SURGE_PLAN"]).read())  # noqa: SIM115
HEADERS = {"X-Forwarded-Proto": "https"}  # behind the TLS proxy of docs/deploy.md
_sessions = {
    kind: itertools.cycle(PLAN[f"{kind}_sessions"]) for kind in ("psp", "employee", "coordinator")
}


class _Person(FastHttpUser):
    abstract = True
    wait_time = between(1, 5)
    kind = ""

    def on_start(self) -> None:
        session = next(_sessions[self.kind])
        self.headers = {**HEADERS, "Cookie": f"{PLAN['cookie']}={session}"}

    def page(self, path: str, name: str | None = None) -> None:
        with self.client.get(
            path, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as r:
            # No status (0) is a connection that failed: locust reports its own exception (a
            # reset, a close without an answer), which says more than "status 0".
            if r.status_code not in (0, 200):
                r.failure(f"status {r.status_code}")


class PeerSupporter(_Person):
    weight = 10
    kind = "psp"

    @task(3)
    def log_contact(self) -> None:
        self.client.post(
            "/api/v1/contacts",
            json=PLAN["contact"],
            headers={**HEADERS, "Authorization": f"Bearer {PLAN['psp_token']}"},
            name="/api/v1/contacts",
        )

    @task(2)
    def on_call(self) -> None:
        self.page("/clinical/now/")

    @task(1)
    def home(self) -> None:
        self.page("/", name="/ (PSP)")


class Employee(_Person):
    weight = 10
    kind = "employee"

    @task(3)
    def peers(self) -> None:
        self.page("/peers/")

    @task(1)
    def home(self) -> None:
        self.page("/", name="/ (employee)")


class Coordinator(_Person):
    weight = 1
    kind = "coordinator"

    @task(3)
    def board(self) -> None:
        self.page(f"/incidents/{PLAN['incident']}/board/", name="/incidents/<id>/board/")

    @task(1)
    def incidents(self) -> None:
        self.page("/incidents/")
