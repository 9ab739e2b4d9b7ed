"""Sign-in throttling with django-axes: the n-th wrong password for one user name from one address is answered 429
with a message, on the sales terminal, the admin and the API token endpoint; the right password works again after
the cool-off; a success resets the count; managers see lockouts in the admin."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
SIGN_INS = ["/sales/login/", "/admin/login/", "/api/auth/token/"]


@pytest.fixture(autouse=True)
def _three_tries(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


@pytest.fixture
def staff(db):
    return UserFactory(username="zhangwei", role="manager", is_staff=True)


def sign_in(client: Client, url: str, password: str, username: str = "zhangwei"):
    body = {"username": username, "password": password}
    if url.startswith("/api/"):
        return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    return client.post(url, body, HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="text/html")


def signed_in(response, url: str) -> bool:
    if url.startswith("/api/"):
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302


def cool_off_passes() -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=15, seconds=1))


@pytest.mark.parametrize("url", SIGN_INS)
def test_the_nth_wrong_password_is_429_with_a_message_and_the_right_one_works_after_the_cool_off(staff, url):
    client = Client()
    answers = [sign_in(client, url, "wrong-guess") for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == ([400, 400] if url.startswith("/api/") else [200, 200])

    locked = answers[2]
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "Too many attempts. Try again in 15 minutes." in locked.content.decode()
    if url.startswith("/api/"):
        assert locked.json() == {"detail": "Too many attempts. Try again in 15 minutes."}

    during = sign_in(client, url, PASSWORD)
    assert during.status_code == 429 and not signed_in(during, url)

    cool_off_passes()
    assert signed_in(sign_in(client, url, PASSWORD), url)


@pytest.mark.parametrize("url", SIGN_INS)
def test_a_success_resets_the_count(staff, url):
    client = Client()
    for _ in range(2):
        sign_in(client, url, "wrong-guess")
    assert signed_in(sign_in(client, url, PASSWORD), url)
    Client().post("/sales/logout/")
    answers = [sign_in(Client(), url, "wrong-guess") for _ in range(2)]
    assert 429 not in [a.status_code for a in answers]
    assert signed_in(sign_in(Client(), url, PASSWORD), url)


def test_lockout_is_per_address_and_user_name(staff):
    for _ in range(3):
        sign_in(Client(REMOTE_ADDR="198.51.100.4"), "/sales/login/", "wrong-guess")
    assert sign_in(Client(REMOTE_ADDR="198.51.100.4"), "/sales/login/", PASSWORD).status_code == 429
    # Someone guessing elsewhere does not lock the salesperson out of their own desk.
    assert signed_in(sign_in(Client(REMOTE_ADDR="198.51.100.5"), "/sales/login/", PASSWORD), "/sales/login/")


def test_the_lockout_page_is_in_the_users_language(staff):
    client = Client()
    for _ in range(3):
        answer = client.post("/sales/login/", {"username": "zhangwei", "password": "wrong-guess"})
    assert answer.status_code == 429
    assert "尝试次数过多，请 15 分钟后再试。" in answer.content.decode()


def test_the_password_tried_is_not_stored(staff):
    for _ in range(3):
        sign_in(Client(), "/admin/login/", "wrong-guess-7f3a")
    stored = [(a.get_data, a.post_data) for a in AccessAttempt.objects.all()]
    assert stored and "wrong-guess-7f3a" not in str(stored)
    assert AccessFailureLog.objects.filter(username="zhangwei").count() == 3


def test_managers_see_lockouts_in_the_admin(staff):
    for _ in range(3):
        sign_in(Client(), "/sales/login/", "wrong-guess")
    client = Client()
    client.force_login(UserFactory(username="boss", role="manager", is_staff=True, is_superuser=True))
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录锁定" in index
    changelist = client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert changelist.status_code == 200 and "zhangwei" in changelist.content.decode()
    assert client.get("/admin/axes/accessfailurelog/").status_code == 200


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_daphne_locks_the_sales_login_and_says_so(settings):
    """Under Daphne the middleware runs asynchronously (axes calls the lockout callable differently there)."""
    import http.cookiejar
    import re
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.servers import daphne_server

    UserFactory(username="zhangwei", role="sales")
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(base_url: str, password: str) -> tuple[int, str, str | None]:
        page = browser.open(f"{base_url}/sales/login/", timeout=15).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": "zhangwei", "password": password, "csrfmiddlewaretoken": csrf})
        request = urllib.request.Request(
            f"{base_url}/sales/login/", body.encode(), headers={"Referer": f"{base_url}/sales/login/"}
        )
        try:
            with browser.open(request, timeout=15) as answer:
                return answer.status, answer.read().decode(), answer.headers.get("Retry-After")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode(), refused.headers.get("Retry-After")

    with daphne_server(THROTTLE_SIGN_IN="3/900") as base_url:
        answers = [post(base_url, "wrong-guess") for _ in range(3)]
        assert [status for status, _, _ in answers[:2]] == [200, 200]
        status, page, retry_after = answers[2]
        assert status == 429 and retry_after == "900"
        assert "尝试次数过多，请 15 分钟后再试。" in page
        assert post(base_url, PASSWORD)[0] == 429
