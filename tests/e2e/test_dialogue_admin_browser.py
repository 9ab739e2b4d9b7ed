"""A manager tunes the conversation engine in a real browser: scoring settings refused and saved, a word-list
CSV imported, and the conversation browser showing each message's emotion, K and P."""

from __future__ import annotations

import pytest

from crm.models import User
from dialogue.analysis import analyze_reply, start_conversation
from dialogue.models import AnswerTemplate, ScoringSettings, ScoringSettingsChange, WordEntry
from dialogue.seeding import seed_defaults
from salescard.demo.login import ensure_demo_manager
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, FAQFactory, ProductFactory
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo-Manager-2026"


def sign_in(page, base_url: str) -> None:
    login = ensure_demo_manager(password=PASSWORD)
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", login.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def test_manager_edits_scoring_settings_imports_words_and_reads_a_conversation(page, tmp_path) -> None:
    seed_defaults(WordEntry, AnswerTemplate, ScoringSettings)
    record = ScoringSettings.objects.get()
    product = ProductFactory()
    FAQFactory(category=product.category)
    conversation = start_conversation(CustomerFactory(), product=product)
    analyze_reply(conversation, "<i>太贵了</i>，我不满意")
    csv_file = tmp_path / "words.csv"
    csv_file.write_text("kind,language,word,label,weight\npositive,zh-hans,绝绝子,,1\n", encoding="utf-8")

    with daphne_server() as base_url:
        sign_in(page, base_url)
        manager = User.objects.get(username=ensure_demo_manager().username)
        # The product-wide settings are the operator's: a manager sees them and cannot change them (issue 19)
        page.goto(f"{base_url}/admin/dialogue/scoringsettings/{record.pk}/change/")
        assert page.locator("#id_alpha").count() == 0
        # The manager gives their company its own settings; an impossible α is refused with the reason, in Chinese
        page.goto(f"{base_url}/admin/dialogue/scoringsettings/add/")
        page.fill("#id_alpha", "0")
        page.click("input[name=_save]")
        page.locator(".errorlist").first.wait_for(state="visible", timeout=10_000)
        assert "α" in page.locator(".errorlist").first.inner_text()
        assert ScoringSettings.objects.count() == 1
        # A valid one is saved for the manager's organisation; the product-wide row is unchanged
        page.fill("#id_alpha", "1.2")
        page.click("input[name=_save]")
        page.wait_for_url(f"{base_url}/admin/dialogue/scoringsettings/")
        assert ScoringSettings.objects.get(organisation=manager.organisation).alpha == 1.2
        assert ScoringSettings.objects.get(organisation__isnull=True).alpha == record.alpha
        # Changing it again is audited
        own = ScoringSettings.objects.get(organisation=manager.organisation)
        page.goto(f"{base_url}/admin/dialogue/scoringsettings/{own.pk}/change/")
        page.fill("#id_alpha", "1.3")
        page.click("input[name=_save]")
        page.wait_for_url(f"{base_url}/admin/dialogue/scoringsettings/")
        assert ScoringSettingsChange.objects.filter(field="alpha", new_value="1.3").exists()
        # A word-list CSV is imported from the change list
        page.goto(f"{base_url}/admin/dialogue/wordentry/import/")
        page.set_input_files("input[type=file]", str(csv_file))
        page.click("input[type=submit]")
        page.wait_for_url(f"{base_url}/admin/dialogue/wordentry/")
        # into the manager's organisation's own list, not the product-wide one
        assert WordEntry.objects.filter(word="绝绝子", kind="positive", organisation=manager.organisation).exists()
        # The conversation browser shows the customer's text escaped, with its analysis
        page.goto(f"{base_url}/admin/dialogue/conversation/{conversation.pk}/change/")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "admin-conversation.png"), full_page=True)
        assert page.get_by_text("<i>太贵了</i>，我不满意").count() >= 1
        assert page.locator("i", has_text="太贵了").count() == 0, "customer HTML is shown as text, never rendered"
        message = conversation.messages.get(sender="customer")
        assert str(message.satisfaction) in page.content()
