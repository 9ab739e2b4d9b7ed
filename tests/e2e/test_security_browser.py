"""Safe defaults in a real browser (issue 16): a server started as `make run` starts it — DEBUG off, static files
collected and served by whitenoise — shows every page of the product with the Content-Security-Policy in force
(no inline scripts) and no `securitypolicyviolation`: the card, the sales inbox, a conversation, the calls page, the
sidebar, the watch, the admin index and a change form, the API docs, and the product's own 404 page. Each page is
checked for a key element that only its scripts or its server-side rendering put there."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from branch.models import Branch
from branch.tokens import register_wearable
from dialogue.analysis import analyze_reply, start_conversation
from salescard.cards import issue_link
from salescard.demo.login import ensure_demo_manager
from salescard.models import SmartCard
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import ROOT, daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Safe-Defaults-2026"
# Records every violation in the page itself; console messages are watched as well (see `visit`).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict[str, str]:
    """What `make run` serves with: DEBUG off, a generated key, plain local HTTP, collectstatic's folder."""
    static_root = tmp_path_factory.mktemp("static")
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr
    return env


@pytest.fixture
def product():
    reseed_migrated_defaults()
    sofa = sofa_on_sale()
    salesperson = UserFactory(role="sales", username="sales_csp", first_name="静", last_name="陈")
    salesperson.set_password(PASSWORD)
    salesperson.save()
    card = SmartCard.objects.create(salesperson=salesperson, display_name="陈静", title="家居顾问", company="好家居")
    customer = CustomerFactory(owner=salesperson, name="王芳", phone="13912345678")
    conversation = start_conversation(customer, salesperson=salesperson, product=sofa, greeting="您好！")
    analyze_reply(conversation, "太贵了，质量也很差，我非常不满意！")
    Branch.objects.create(code="sz-nanshan", name="南山支行")
    _, watch_token = register_wearable("watch-csp", staff=UserFactory(role="branch_staff"))
    return {
        "card_token": issue_link(card, customer).token,
        "customer": customer,
        "conversation": conversation,
        "watch_token": watch_token,
        "manager": ensure_demo_manager(password=PASSWORD).username,
    }


def visit(context, url: str, rendered: str, violations: list[str], timeout: float = 20_000):  # noqa: ANN001, ANN201
    """Open ``url``, wait for the element that shows the page rendered, and collect its policy violations."""
    page = context.new_page()
    page.on("console", lambda m: violations.append(f"{url}: {m.text}") if "Content Security Policy" in m.text else None)
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    page.wait_for_selector(rendered, state="visible", timeout=timeout)
    page.wait_for_timeout(500)  # late scripts, styles and sockets
    violations.extend(f"{url}: {v}" for v in page.evaluate("window.__violations"))
    return page, response


def sign_in(context, url: str, username: str, fields: tuple[str, str], submit: str) -> None:  # noqa: ANN001
    page = context.new_page()
    page.goto(url)
    page.fill(fields[0], username)
    page.fill(fields[1], PASSWORD)
    page.click(submit)
    page.wait_for_load_state()
    page.close()


def test_every_page_renders_under_the_policy_with_debug_off(webgl_browser, production, product, tmp_path) -> None:
    violations: list[str] = []
    with daphne_server(**production, TTS_CACHE_DIR=str(tmp_path / "tts")) as base:
        customer = product["customer"]

        # The customer's card on a phone: the 3D face (three.js, software WebGL) and the greeting.
        phone = webgl_browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        phone.add_init_script(RECORD_VIOLATIONS)
        _, card = visit(phone, f"{base}/c/{product['card_token']}/", "#messages li", violations)
        policy = card.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert card.headers["x-content-type-options"] == "nosniff"
        page, _ = visit(phone, f"{base}/c/{product['card_token']}/", "body[data-avatar=webgl]", violations)
        phone.close()

        # The sales terminal, the call assistant and the sidebar, signed in as the salesperson.
        desk = webgl_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        desk.add_init_script(RECORD_VIOLATIONS)
        fields = ("input[name=username]", "input[name=password]")
        sign_in(desk, f"{base}/sales/login/", "sales_csp", fields, "[type=submit]")
        visit(desk, f"{base}/sales/", f"#inbox [data-id='{product['conversation'].pk}']", violations)
        visit(desk, f"{base}/sales/conversations/{product['conversation'].pk}/", "#messages li", violations)
        visit(desk, f"{base}/sales/calls/", "#calls-page", violations)
        visit(desk, f"{base}/sidebar/customers/{customer.pk}/", "#sidebar[data-state=live]", violations)
        desk.close()

        # The branch watch, paired by its token.
        watch = webgl_browser.new_context(locale="zh-CN", viewport={"width": 400, "height": 400})
        watch.add_init_script(RECORD_VIOLATIONS)
        visit(watch, f"{base}/watch/#token={product['watch_token']}", "#branches:not([hidden])", violations)
        watch.close()

        # The admin and the API docs, signed in as the manager; the product's own 404 page.
        admin = webgl_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        admin.add_init_script(RECORD_VIOLATIONS)
        sign_in(admin, f"{base}/admin/login/", product["manager"], ("#id_username", "#id_password"), "[type=submit]")
        visit(admin, f"{base}/admin/", "#content-main", violations)
        visit(admin, f"{base}/admin/crm/customer/{customer.pk}/change/", "#customer_form", violations)
        visit(admin, f"{base}/api/docs/", ".swagger-ui .info .title", violations)
        page, missing = visit(admin, f"{base}/no-such-page/", "#error-page", violations)
        assert missing.status == 404 and "页面不存在" in page.inner_text("h1")
        admin.close()

    assert not violations, "\n".join(violations)
