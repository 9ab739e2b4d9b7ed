"""Query filters for the CRM list endpoints."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from crm import tenancy
from crm.models import Customer, Product, ProductCategory, User


def _staff(request):
    return tenancy.for_user(User.objects.all(), getattr(request, "user", None))


def _categories(request):
    return tenancy.for_user(ProductCategory.objects.all(), getattr(request, "user", None))


class CustomerFilter(django_filters.FilterSet):
    owner = django_filters.ModelChoiceFilter(queryset=_staff)  # another company's staff are no choice
    tag = django_filters.CharFilter(field_name="tag_links__tag__name", label="tag name", distinct=True)
    min_age = django_filters.NumberFilter(method="filter_min_age", label="minimum age")

    class Meta:
        model = Customer
        fields = ["owner", "gender", "language", "dialect", "income_band", "mbti", "married", "source"]

    def filter_min_age(self, queryset, name, value):
        today = timezone.localdate()
        try:
            latest_birthday = today.replace(year=today.year - int(value))
        except ValueError:  # 29 February
            latest_birthday = today.replace(year=today.year - int(value), day=28)
        return queryset.filter(birthday__lte=latest_birthday)


class ProductFilter(django_filters.FilterSet):
    line_of_business = django_filters.CharFilter(field_name="category__line_of_business")
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    category = django_filters.ModelChoiceFilter(queryset=_categories)

    class Meta:
        model = Product
        fields = ["category", "is_active"]
