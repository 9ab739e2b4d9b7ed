"""Serializers that name other rows by id only within the caller's organisation (issue 19): a customer's owner must
be staff of the same organisation, a product's category a category of it, a call's customer one of its customers.
Another company's id is "does not exist" (400), never accepted and never confirmed."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from crm import tenancy


def scope_relations(fields: dict, user) -> dict:
    """Narrow the queryset of every writable related field in ``fields`` to ``user``'s organisation."""
    for field in fields.values():
        target = field.child_relation if isinstance(field, ManyRelatedField) else field
        if not isinstance(target, RelatedField) or getattr(target, "queryset", None) is None:
            continue
        try:
            target.queryset = tenancy.for_user(target.queryset, user)
        except LookupError:  # product-wide rows (personality types …): the same for every organisation
            continue
    return fields


class TenantScopedSerializer(serializers.Serializer):
    """Mixin: every ``PrimaryKeyRelatedField`` (and many-related field) takes only rows of the request user's
    organisation. Without a request in the context (internal use) nothing is narrowed."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            scope_relations(fields, user)
        return fields
