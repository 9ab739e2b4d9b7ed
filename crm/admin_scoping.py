"""The admin, one organisation at a time (issue 19): a manager sees, picks from and writes only their organisation's
rows; a superuser who belongs to no organisation sees all of them, filters by organisation and picks one per row.

``TenantAdminMixin`` (model admins) and ``TenantInlineMixin`` (inlines) do it through ``crm.tenancy``:

- the change list, the change/delete/history pages and autocomplete answer from ``tenancy.for_user``: another
  organisation's row does not exist — its change page is 404, like a row that never existed;
- configuration with product-wide defaults (``OrganisationOverride``: word lists, thresholds, templates …) shows a
  manager the defaults beside their own rows, read-only; only their own rows may be changed or deleted;
- every foreign-key and many-to-many choice (and every related list filter) offers the organisation's rows only;
- a manager never sees the organisation field: what they save belongs to their organisation; a superuser sees the
  field and a list filter by organisation.

``scope_every_admin(site)`` mixes them into every registered model admin (of every app, ``crm.apps`` runs it once
the admin modules are loaded), so an admin added later is scoped without anyone remembering to.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from crm import tenancy
from crm.models import Organisation, OrganisationOverride

ORGANISATION_FIELD = "organisation"


def _above_all(request: HttpRequest) -> bool:
    return tenancy.sees_every_organisation(getattr(request, "user", None))


def _is_override(model: type[Model]) -> bool:
    return issubclass(model, OrganisationOverride)


def _has_organisation_field(model: type[Model]) -> bool:
    try:
        model._meta.get_field(ORGANISATION_FIELD)
    except FieldDoesNotExist:
        return False
    return True


def visible_rows(queryset: QuerySet, request: HttpRequest) -> QuerySet:
    """``queryset`` as the request's user may see it in the admin."""
    user = getattr(request, "user", None)
    if _above_all(request):
        return queryset
    model = queryset.model
    organisation = getattr(user, "organisation_id", None)
    if model is Organisation:
        return queryset.filter(pk=organisation) if organisation else queryset.none()
    if _is_override(model):
        return tenancy.with_defaults(queryset, organisation) if organisation else queryset.none()
    try:
        return tenancy.for_user(queryset, user)
    except LookupError:  # product-wide by design (personality science, public language models …)
        return queryset


def may_write(request: HttpRequest, obj: Model | None) -> bool:
    """A manager writes only their organisation's rows: a product-wide default is read-only for them."""
    if obj is None or _above_all(request):
        return True
    if isinstance(obj, OrganisationOverride):
        return obj.organisation_id is not None and obj.organisation_id == request.user.organisation_id
    return True


def has_own_row(model: type[Model], request: HttpRequest) -> bool:
    """For one-row configuration (``OrganisationOverride``): whether the request user's organisation has its row
    already — for a superuser above every organisation, whether the product-wide default exists."""
    organisation = None if _above_all(request) else getattr(request.user, "organisation_id", None)
    return model._default_manager.filter(organisation=organisation).exists()


def _without_organisation(fields):
    return [name for name in fields if name != ORGANISATION_FIELD]


class _ScopedChoices:
    """Foreign-key and many-to-many choices of the request user's organisation only."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = visible_rows(field.queryset, request)
        return field

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = visible_rows(field.queryset, request)
        return field


class TenantAdminMixin(_ScopedChoices):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible_rows(super().get_queryset(request), request)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id):
        # Django's admin redirects with "doesn't exist — perhaps it was deleted?"; another organisation's row (and so,
        # alike, a missing one) is a plain 404 that tells nothing.
        raise Http404("No such object.")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and may_write(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        if self.model is Organisation and not _above_all(request):
            return False  # a manager's company exists already; a new one is the product operator's
        return super().has_add_permission(request, *args)

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if _above_all(request):
            return _with_organisation(self.model, fieldsets)
        return [(name, {**options, "fields": _strip(options.get("fields", ()))}) for name, options in fieldsets]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = super().get_fields(request, obj)
        return fields if _above_all(request) else _without_organisation(fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = super().get_readonly_fields(request, obj)
        return fields if _above_all(request) else _without_organisation(fields)

    def get_list_display(self, request: HttpRequest):
        fields = list(super().get_list_display(request))
        if _above_all(request):
            if _has_organisation_field(self.model) and ORGANISATION_FIELD not in fields:
                fields.append(ORGANISATION_FIELD)
            return fields
        return _without_organisation(fields) or fields

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if _above_all(request):
            if _has_organisation_field(self.model) and ORGANISATION_FIELD not in filters:
                filters.insert(0, ORGANISATION_FIELD)
            return filters
        # A manager's related filters list only the related rows their own rows point at.
        return [_related_only(self.model, item) for item in filters if item != ORGANISATION_FIELD]

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        user = request.user
        if not _above_all(request) and _has_organisation_field(type(obj)) and user.organisation_id:
            if not isinstance(obj, Organisation):
                obj.organisation_id = user.organisation_id
        super().save_model(request, obj, form, change)


class TenantInlineMixin(_ScopedChoices):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible_rows(super().get_queryset(request), request)

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if _above_all(request):
            return fieldsets
        return [(name, {**options, "fields": _strip(options.get("fields", ()))}) for name, options in fieldsets]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = super().get_fields(request, obj)
        return fields if _above_all(request) else _without_organisation(fields)


def _with_organisation(model: type[Model], fieldsets):
    """A superuser picks the organisation of a row: the field leads the first fieldset when no fieldset has it."""
    if not _has_organisation_field(model) or not model._meta.get_field(ORGANISATION_FIELD).editable:
        return fieldsets
    named = {
        name
        for _, options in fieldsets
        for item in options.get("fields", ())
        for name in (item if isinstance(item, (list, tuple)) else (item,))
    }
    if ORGANISATION_FIELD in named or not fieldsets:
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [ORGANISATION_FIELD, *options.get("fields", ())]}), *rest]


def _strip(fields) -> list:
    """``fields`` of a fieldset without the organisation (a row of fields may be a tuple)."""
    kept = []
    for item in fields:
        if isinstance(item, (list, tuple)):
            item = type(item)(_without_organisation(item))
            if item:
                kept.append(item)
        elif item != ORGANISATION_FIELD:
            kept.append(item)
    return kept


def _related_only(model: type[Model], item):
    """A list filter on a relation offers only the related rows the (scoped) change list points at."""
    if not isinstance(item, str):
        return item
    try:
        field = get_fields_from_path(model, item)[-1]
    except (FieldDoesNotExist, Exception):  # noqa: BLE001 - a filter Django itself would reject later
        return item
    if getattr(field, "is_relation", False) and (field.many_to_one or field.many_to_many or field.one_to_one):
        return (item, admin.RelatedOnlyFieldListFilter)
    return item


def _scoped_class(cls: type, mixin: type) -> type:
    if issubclass(cls, mixin):
        return cls
    return type(cls.__name__, (mixin, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__})


def scope_every_admin(site: admin.AdminSite) -> None:
    """Mix the tenant scoping into every model admin registered on ``site`` and into their inlines (idempotent)."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        inlines = [_scoped_class(inline, TenantInlineMixin) for inline in getattr(cls, "inlines", [])]
        scoped = _scoped_class(cls, TenantAdminMixin)
        if scoped is cls and inlines == list(getattr(cls, "inlines", [])):
            continue
        if inlines:
            scoped = type(scoped.__name__, (scoped,), {"__module__": cls.__module__, "inlines": inlines})
        site._registry[model] = scoped(model, site)


def is_scoped(model_admin) -> bool:
    """Whether a registered model admin (and every inline of it) carries the scoping."""
    return isinstance(model_admin, TenantAdminMixin) and all(
        issubclass(inline, TenantInlineMixin) for inline in getattr(model_admin, "inlines", [])
    )


__all__ = ["TenantAdminMixin", "TenantInlineMixin", "is_scoped", "scope_every_admin"]
