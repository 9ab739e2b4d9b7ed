"""The managers' dashboard page (issue 21) at /manage/: the admin's sign-in and look, the figures of
``dashboard_figures`` for the manager's organisation, each as a chart, a table and a CSV download."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branch.models import Branch
from crm import tenancy
from crm.models import ProductCategory, User
from salescard.dashboard_figures import SECTIONS, Filters, Table, all_sections

DEFAULT_DAYS = 30
MOST_DAYS = 366

# How each section is drawn: chart type, the column that labels the x axis (or several, joined by →), the columns
# drawn as datasets (a second axis or type where the scales differ), stacked or not. "models" is a table only.
CHARTS: dict[str, dict[str, Any]] = {
    "funnel": {"type": "bar", "label": "step", "sets": ["links"], "horizontal": True},
    "handoffs": {"type": "bar", "label": "reason", "sets": ["handoffs", "escalated"], "horizontal": True},
    "emotion": {
        "type": "bar",
        "label": "day",
        "sets": ["angry", "low", "lost", "calm", "joyful", "excited"],
        "extra": [("mean_k", "line", "y1")],
        "stacked": True,
        "colours": {
            "angry": "#ba2121",
            "low": "#6b7b8c",
            "lost": "#8a6fb0",
            "calm": "#79aec8",
            "joyful": "#5b8c3a",
            "excited": "#e0a040",
            "mean_k": "#333333",
        },  # fmt: skip
    },
    "trajectory": {"type": "bar", "label": ("start", "end"), "sets": ["conversations"], "horizontal": True},
    "intent": {"type": "bar", "label": "version", "sets": ["hit_rate_1", "hit_rate_3"]},
    "branch": {
        "type": "bar",
        "label": ("branch", "week"),
        "sets": ["very_accurate", "accurate", "inaccurate", "no_purchase"],
        "stacked": True,
        "colours": {
            "very_accurate": "#2e7d32",
            "accurate": "#8bc34a",
            "inaccurate": "#ba2121",
            "no_purchase": "#999999",
        },
    },
    "calls": {"type": "bar", "label": "kind", "sets": ["shown", "used", "rated"], "horizontal": True},
}


class DashboardForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    salesperson = forms.ModelChoiceField(
        label=gettext_lazy("salesperson"), queryset=User.objects.none(), required=False, empty_label=gettext_lazy("all")
    )
    branch = forms.ModelChoiceField(
        label=gettext_lazy("branch"), queryset=Branch.objects.none(), required=False, empty_label=gettext_lazy("all")
    )
    line = forms.ChoiceField(label=gettext_lazy("line of business"), required=False)

    def __init__(self, data: Any, organisation: int | None) -> None:
        super().__init__(data)
        self.fields["salesperson"].queryset = tenancy.staff_of(organisation).order_by("username")
        self.fields["salesperson"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["branch"].queryset = tenancy.scoped(Branch.objects.all(), organisation).order_by("name")
        self.fields["line"].choices = [("", _("all")), *ProductCategory.LineOfBusiness.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days >= MOST_DAYS:
            raise forms.ValidationError(_("Choose at most %(days)s days.") % {"days": MOST_DAYS})
        data["start"], data["end"] = start, end
        return data


def _organisation(request: HttpRequest) -> int | None:
    user = request.user
    if tenancy.sees_every_organisation(user):
        return None
    if user.role != User.Role.MANAGER and not user.is_superuser or user.organisation_id is None:
        raise PermissionDenied(_("Only a sales manager may open the dashboard."))
    return user.organisation_id


def dashboard(request: HttpRequest) -> HttpResponse:
    """The page, or with ``?section=<key>&format=csv`` one section's table as CSV (same filters)."""
    organisation = _organisation(request)
    data = request.GET.copy()  # no dates means the last 30 days, shown in the form as such
    today = timezone.localdate()
    if not data.get("end"):
        data["end"] = today.isoformat()
    if not data.get("start") and data.get("end") == today.isoformat():
        data["start"] = (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    form = DashboardForm(data, organisation)
    if not form.is_valid():
        return render(request, "manage/dashboard.html", _context(request, form, []), status=400)
    data = form.cleaned_data
    filters = Filters(
        organisation,
        data["start"],
        data["end"],
        salesperson=data["salesperson"].pk if data.get("salesperson") else None,
        branch=data["branch"].pk if data.get("branch") else None,
        line=data.get("line") or "",
    )
    if request.GET.get("format") == "csv":
        section = request.GET.get("section", "")
        if section not in SECTIONS:
            return HttpResponse(
                _("Unknown section %(name)s: choose one of %(known)s.")
                % {"name": section or "—", "known": ", ".join(SECTIONS)},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return _csv(SECTIONS[section](filters), filters)
    return render(request, "manage/dashboard.html", _context(request, form, all_sections(filters), filters))


def _context(
    request: HttpRequest, form: DashboardForm, tables: list[Table], filters: Filters | None = None
) -> dict[str, Any]:
    query = request.GET.copy()
    for key in ("section", "format"):
        query.pop(key, None)
    if filters is not None:  # the CSV links carry the dates the page shows, also when the defaults chose them
        query["start"], query["end"] = filters.start.isoformat(), filters.end.isoformat()
    return {
        **admin.site.each_context(request),  # the admin's header, title and navigation
        "title": _("How sales are going"),
        "form": form,
        "tables": tables,
        "charts": [chart_spec(table) for table in tables if table.key in CHARTS and table.rows],
        "query": query.urlencode(),
        "filters": filters,
    }


def chart_spec(table: Table) -> dict[str, Any]:
    """What the page's script draws for ``table``: labels and one dataset per drawn column, from the table's rows."""
    spec = CHARTS[table.key]
    headings = dict(table.columns)
    label = spec["label"]
    if isinstance(label, tuple):
        labels = [" → ".join(str(row[key]) for key in label) for row in table.rows]
    else:
        labels = [str(row[label]) for row in table.rows]
    colours = spec.get("colours", {})

    def dataset(key: str, **more: str) -> dict[str, Any]:
        found = {"label": str(headings[key]), "data": [row[key] for row in table.rows], **more}
        return found | ({"colour": colours[key]} if key in colours else {})

    datasets = [dataset(key) for key in spec["sets"]]
    datasets += [dataset(key, type=kind, axis=axis) for key, kind, axis in spec.get("extra", [])]
    return {
        "canvas": f"chart-{table.key}",
        "type": spec["type"],
        "labels": labels,
        "datasets": datasets,
        "stacked": spec.get("stacked", False),
        "horizontal": spec.get("horizontal", False),
    }


def _csv(table: Table, filters: Filters) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{table.key}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # a byte-order mark, so that Excel reads the Chinese text as UTF-8
    writer = csv.writer(response)
    for row in table.csv_rows():
        writer.writerow(row)
    return response
