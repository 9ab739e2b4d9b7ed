"""The watch's web app (SPEC B6). The page itself holds nothing private: the device token, kept on the watch,
authenticates its socket."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from branch.models import TaskFeedback
from crm.models import Customer


@require_GET
def watch_page(request: HttpRequest) -> HttpResponse:
    asset_names = {
        "deposits": _("Deposits"),
        "stocks": _("Stocks"),
        "funds": _("Funds"),
        "insurance": _("Insurance"),
        "vehicles": _("Vehicles"),
        "property": _("Property"),
    }
    preference_topics = {
        "colours": _("Colours"),
        "styles": _("Styles"),
        "risk": _("Risk appetite"),
        "contact_time": _("Contact time"),
        "brands": _("Brands"),
        "interests": _("Product interests"),
    }
    texts = {
        "newTask": _("New task"),
        "noBusiness": _("No booked business"),
        "yours": _("You took this task."),
        "takenBy": _("Taken by"),
        "colleague": _("a colleague"),
        "yes": _("Yes"),
        "no": _("No"),
        "none": _("Nothing recorded."),
        "name": _("Name"),
        "age": _("Age"),
        "gender": _("Gender"),
        "residence": _("Residence"),
        "married": _("Married"),
        "assets": {key: str(asset_names[key]) for key in Customer.ASSET_CLASSES},
        "subTitles": {"info": _("Customer"), "assets": _("Assets"), "preferences": _("Preferences")},
        "preferenceTopics": {key: str(label) for key, label in preference_topics.items()},
        "categories": {},  # the page holds nothing of any company: the "ready" frame brings them (issue 19)
        "unknownToken": _("This token is not known. Ask the branch manager for the watch's token."),
        "revoked": _("This watch was revoked. Ask the branch manager for a new token."),
        "nothingBought": _("Nothing bought"),
        "thanks": _("Thank you."),
        "updated": _("Recommendations updated."),
        "tiers": {value: str(label) for value, label in TaskFeedback.Tier.choices},
    }
    return render(request, "branch/watch.html", {"texts": texts})
