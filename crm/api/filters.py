"""Query filters for the CRM list endpoints."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from crm.models import Customer, Product


class CustomerFilter(django_filters.FilterSet):
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

    class Meta:
        model = Product
        fields = ["category", "is_active"]
