"""Role-based permissions for the admin (a Django auth backend) and the REST API (DRF classes)."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from rest_framework.permissions import SAFE_METHODS, BasePermission

from crm.access import can_edit_customers
from crm.models import User

# The apps a manager administers in full, without per-model grants.
MANAGED_APP_LABELS = frozenset(
    {"base", "crm", "im_profile", "intent", "dialogue", "speech", "calls", "branch", "salescard", "authtoken"}
)


class RoleBackend(BaseBackend):
    """Managers hold every permission on the product's own models; other roles hold none here."""

    def has_perm(self, user_obj: User, perm: str, obj: object = None) -> bool:
        return self.has_module_perms(user_obj, perm.split(".", 1)[0])

    def has_module_perms(self, user_obj: User, app_label: str) -> bool:
        return bool(getattr(user_obj, "is_manager", False)) and app_label in MANAGED_APP_LABELS


class IsStaffMember(BasePermission):
    """Any active, authenticated member of staff (every role)."""

    message = "Sign in as a member of staff."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class CustomerAccess(IsStaffMember):
    """Managers do everything; salespeople read and edit the customers linked to them; nobody else."""

    message = "Only managers and salespeople work with customers; deleting a customer is for managers."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view) or not can_edit_customers(request.user):
            return False
        if request.method == "DELETE":
            return request.user.is_manager
        return True


class ManagerWritesStaffReads(IsStaffMember):
    """Every member of staff reads; only managers create, change or delete."""

    message = "Only managers may change the catalogue."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.is_manager
