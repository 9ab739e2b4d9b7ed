"""Who may see which customers: authorisation by role and relation (SPEC P6, X3).

Managers see every customer. A salesperson sees the customers they own or are linked to — an IM
friendship or a group chat they share. Branch staff reach customers only through branch tasks, so the
CRM gives them none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from crm.models import ChatGroupMembership, Customer, Friendship, User


def customers_visible_to(user: User) -> QuerySet[Customer]:
    if not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    if user.is_manager:
        return Customer.objects.all()
    if user.role == User.Role.SALES:
        return Customer.objects.filter(linked_to(user))
    return Customer.objects.none()


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
