"""Who may see which customers: authorisation by role and relation (SPEC P6, X3).

Everything is within the principal's organisation (issue 19, ``crm.tenancy``): managers see every customer of their
organisation (a superuser without one sees all). A salesperson sees the customers of their organisation they own or
are linked to — an IM friendship or a group chat they share. Branch staff reach customers only through branch tasks,
so the CRM gives them none.

A view that must tell "not yours" (403) from "no such customer" (404) asks ``customer_exists_for`` — which only
knows the customers of the principal's own organisation, so another company's customer is always 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from crm import tenancy
from crm.models import ChatGroupMembership, Customer, Friendship, User


def customers_visible_to(user: User) -> QuerySet[Customer]:
    if not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    if user.is_manager:
        return tenancy.for_user(Customer.objects.all(), user)
    if user.role == User.Role.SALES:
        return tenancy.for_user(Customer.objects.filter(linked_to(user)), user)
    return Customer.objects.none()


def customer_exists_for(user: User, customer_id: object) -> bool:
    """Whether ``customer_id`` names a customer of ``user``'s organisation (seen by them or not): the difference
    between 403 (not linked to you) and 404. Another organisation's customer does not exist for them."""
    try:
        pk = int(customer_id)
    except (TypeError, ValueError):
        return False
    return tenancy.for_user(Customer.objects.filter(pk=pk), user).exists()


def linked_to(user: User) -> Q:
    """Customers owned by ``user``, their IM friends, and customers in a group chat with them."""
    friends = Friendship.objects.filter(staff=user).values("customer")
    their_groups = ChatGroupMembership.objects.filter(staff=user).values("group")
    group_customers = ChatGroupMembership.objects.filter(group__in=their_groups, customer__isnull=False).values(
        "customer"
    )
    return Q(owner=user) | Q(pk__in=friends) | Q(pk__in=group_customers)


def can_edit_customers(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_manager or user.role == User.Role.SALES)


def can_use_terminal(user: User) -> bool:
    """Salespeople and managers use the sales terminal (chats, calls); branch staff use their watches."""
    return user.is_authenticated and user.is_active and (user.is_manager or user.role == User.Role.SALES)
