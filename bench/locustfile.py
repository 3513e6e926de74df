"""Locust users for bench/load.py: members browsing, logging in, answering emails.

Reads the seeding step's hand-over file named by LOAD_BENCH_DATA (JSON: emails,
password, session keys, accept links, tag/specialty/goal slugs, surnames, member
ids, staff emails and authenticator secrets). Every request says
X-Forwarded-Proto: https and X-Forwarded-For: the user's own address, as the TLS
proxy in front of production does, so that the production settings (SSL
redirect, Secure cookies, per-client login limits) work over plain HTTP on
127.0.0.1; POSTs carry an Origin header as browsers do.

* Member: already logged in (a seeded session, like most of a site's traffic);
  dashboard, directory (tag filters, text queries, specialty and goal filters,
  next pages) and member profiles.
* LoggingInMember: the same, after logging in through allauth's form with CSRF;
  now and then logs out and in again.
* EmailLinkVisitor: no session; opens a member's signed accept link from an
  offer email (GET: confirmation page), then confirms (POST); each link once.
* Staff: logs in with a password and an authenticator code (allauth MFA), then
  reads the insights page and its charts.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import re
from http.cookiejar import Cookie, DefaultCookiePolicy
from itertools import count
from urllib.parse import urlencode, urlparse

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
THINK_MIN = float(os.environ.get("LOAD_BENCH_THINK_MIN", "0.5"))
THINK_MAX = float(os.environ.get("LOAD_BENCH_THINK_MAX", "2.0"))


def _load_data() -> dict:
    path = os.environ.get("LOAD_BENCH_DATA")
    if not path:
        # Importing the file (the smoke test, `locust --list`) needs no data.
        return {
            "emails": [],
            "password": "",
            "sessions": [],
            "accept_links": [],
            "tag_slugs": [],
            "specialty_slugs": [],
            "goal_slugs": [],
            "names": [],
            "member_ids": [],
            "staff": [],
        }
    with open(path, encoding="utf-8") as f:
        return json.load(f)


DATA = _load_data()
_sessions = count()
_logins = count()
_links = count()
_clients = count()
_staff = count()


def _totp_code(secret: str) -> str:
    """Computed as allauth checks it, so Django is set up (once) for it."""
    import django

    django.setup()
    from bench.seed import totp_code

    return totp_code(secret)


def _popular(slugs: list[str]) -> str:
    """Tags are picked like their holders: the popular ones far more often."""
    index = min(int(random.paretovariate(1.2)) - 1, len(slugs) - 1)
    return slugs[index]


class _Browser(FastHttpUser):
    abstract = True
    wait_time = between(THINK_MIN, THINK_MAX)
    default_headers = {"X-Forwarded-Proto": "https"}

    def __init__(self, *args, **kwargs) -> None:
        # Each user is a client of its own behind the proxy (addresses from
        # 198.18.0.0/15, kept for benchmarks): allauth's per-IP login limits
        # then apply per member, as in production, and not to the whole run.
        client_ip = ipaddress.ip_address("198.18.0.1") + next(_clients)
        self.default_headers = {
            **type(self).default_headers,
            "X-Forwarded-For": str(client_ip),
        }
        super().__init__(*args, **kwargs)
        # The server believes it is behind TLS and marks its cookies Secure; the
        # proxy that would carry them is played by this client on plain HTTP.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )

    def _origin(self) -> str:
        parts = urlparse(self.host)
        return f"https://{parts.netloc}"

    def _set_cookie(self, name: str, value: str) -> None:
        host = urlparse(self.host).hostname
        self.client.cookiejar.set_cookie(
            Cookie(
                version=0,
                name=name,
                value=value,
                port=None,
                port_specified=False,
                domain=host,
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=True,
                expires=None,
                discard=True,
                comment=None,
                comment_url=None,
                rest={"HttpOnly": ""},
            )
        )

    def _post_form(self, path: str, page_text: str, fields: dict, name: str):
        match = CSRF_INPUT.search(page_text)
        token = match.group(1) if match else ""
        return self.client.post(
            path,
            data=urlencode({"csrfmiddlewaretoken": token, **fields}),
            headers={
                "Origin": self._origin(),
                "Referer": f"{self._origin()}{path}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            name=name,
            allow_redirects=False,
            catch_response=True,
        )


class Member(_Browser):
    weight = 10

    def on_start(self) -> None:
        sessions = DATA["sessions"]
        if sessions:
            self._set_cookie("sessionid", sessions[next(_sessions) % len(sessions)])

    def _get(self, path: str, name: str, **query) -> None:
        url = f"{path}?{urlencode(query, doseq=True)}" if query else path
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "Log in" in response.text and "Log out" not in response.text:
                response.failure("not logged in")

    @task(3)
    def dashboard(self) -> None:
        self._get("/dashboard/", "dashboard")

    @task(2)
    def directory(self) -> None:
        self._get("/members/", "directory", page=random.randint(1, 3))

    @task(4)
    def directory_tags(self) -> None:
        tags = [_popular(DATA["tag_slugs"]) for _ in range(random.choice((1, 1, 2)))]
        self._get("/members/", "directory ?interest", interest=tags)

    @task(3)
    def directory_text(self) -> None:
        query = random.choice(
            [
                random.choice(DATA["names"]),
                f"Tag {int(random.paretovariate(1.2)) - 1}",
                f"Specialty {random.randint(0, 39)}",
                f"Goal {random.randint(0, 19)}",
            ]
        )
        self._get("/members/", "directory ?q", q=query)

    @task(2)
    def directory_combined(self) -> None:
        self._get(
            "/members/",
            "directory ?q&interest&specialty&goal",
            q=random.choice(DATA["names"]),
            interest=_popular(DATA["tag_slugs"]),
            specialty=random.choice(DATA["specialty_slugs"]),
            goal=random.choice(DATA["goal_slugs"]),
        )

    @task(5)
    def member_profile(self) -> None:
        pk = random.choice(DATA["member_ids"])
        self._get(f"/members/{pk}/", "member profile")


class LoggingInMember(Member):
    """Logs in through the form; browses like any member, now and then logs out
    and back in, so that logins are measured all through the run and not only
    while the users start."""

    weight = 2

    def on_start(self) -> None:
        self._log_in()

    @task(1)
    def log_out_and_in_again(self) -> None:
        with self.client.get(
            "/dashboard/", name="dashboard", catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"HTTP {page.status_code}")
                return
        with self._post_form(
            "/accounts/logout/", page.text, {}, "logout POST"
        ) as response:
            if response.status_code != 302:
                response.failure(f"logout failed: HTTP {response.status_code}")
                return
        self._log_in()

    def _log_in(self) -> None:
        emails = DATA["emails"]
        email = emails[next(_logins) % len(emails)]
        with self.client.get(
            "/accounts/login/", name="login GET", catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"HTTP {page.status_code}")
                return
        with self._post_form(
            "/accounts/login/",
            page.text,
            {"login": email, "password": DATA["password"]},
            "login POST",
        ) as response:
            if response.status_code != 302 or "/dashboard/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"login failed: HTTP {response.status_code}")


class EmailLinkVisitor(_Browser):
    """A member clicking "Yes, introduce us" in an offer email, not logged in."""

    weight = 1

    @task
    def accept_offer(self) -> None:
        links = DATA["accept_links"]
        i = next(_links)
        if i >= len(links):
            return
        self.client.cookiejar.clear()
        path = links[i]
        with self.client.get(
            path, name="intro accept GET", catch_response=True
        ) as page:
            if page.status_code != 200 or "Yes, introduce us" not in page.text:
                page.failure(f"HTTP {page.status_code}")
                return
        with self._post_form(path, page.text, {}, "intro accept POST") as response:
            if response.status_code != 200 or not re.search(
                r"Thank you|You are connected", response.text
            ):
                response.failure(f"HTTP {response.status_code}")


class Staff(_Browser):
    """Someone who runs Grapevyne: logs in with their password and an
    authenticator code, then reads the insights page and a chart of it."""

    weight = 1

    def on_start(self) -> None:
        # The first staff member is the warm-up's; an authenticator code counts
        # once per member, so each Locust staff user signs in as a member of its own.
        staff = DATA["staff"][1 + next(_staff) % (len(DATA["staff"]) - 1)]
        with self.client.get(
            "/accounts/login/", name="login GET", catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"HTTP {page.status_code}")
                return
        with self._post_form(
            "/accounts/login/",
            page.text,
            {"login": staff["email"], "password": DATA["password"]},
            "staff login POST",
        ) as response:
            code_path = urlparse(response.headers.get("Location", "")).path
            if response.status_code != 302 or "/2fa/" not in code_path:
                response.failure(f"no code step: HTTP {response.status_code}")
                return
        with self.client.get(
            code_path, name="staff code GET", catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"HTTP {page.status_code}")
                return
        with self._post_form(
            code_path,
            page.text,
            {"code": _totp_code(staff["secret"])},
            "staff code POST",
        ) as response:
            if response.status_code != 302 or "/accounts/" in response.headers.get(
                "Location", "/accounts/"
            ):
                response.failure(f"code refused: HTTP {response.status_code}")

    @task(3)
    def insights(self) -> None:
        with self.client.get(
            "/insights/", name="insights (staff)", catch_response=True
        ) as page:
            if page.status_code != 200 or "Funnel per round" not in page.text:
                page.failure(f"HTTP {page.status_code}")

    @task(1)
    def insights_chart(self) -> None:
        name = random.choice(["rounds", "weeks", "mission", "calibration"])
        with self.client.get(
            f"/insights/charts/{name}.svg",
            name="insights chart (staff)",
            catch_response=True,
        ) as chart:
            if chart.status_code != 200 or b"<svg" not in chart.content[:400]:
                chart.failure(f"HTTP {chart.status_code}")
