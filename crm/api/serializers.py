"""Serializers of the CRM API; validation mirrors the models' ``clean`` so the API and the admin agree."""

from __future__ import annotations

import datetime

from django.utils import timezone
from rest_framework import serializers

from crm.api.scoping import TenantScopedSerializer
from crm.consent import current_consents
from crm.models import Consent, Customer, Product, ProductCategory, User, validate_assets


class CustomerSerializer(TenantScopedSerializer, serializers.ModelSerializer):
    age = serializers.IntegerField(read_only=True)
    tags = serializers.SerializerMethodField()
    consents = serializers.SerializerMethodField(help_text="Purpose → whether it is granted now.")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=[User.Role.SALES, User.Role.MANAGER], is_active=True),
        required=False,
        allow_null=True,
    )
    hobbies = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)

    class Meta:
        model = Customer
        fields = [
            "id", "name", "gender", "birthday", "age", "hometown", "residence", "hobbies", "mbti",
            "observed_social_style", "language", "dialect", "phone", "email", "company", "job_title", "income_band",
            "monthly_online_spend", "married",
            "assets", "preferences", "external_im_id", "owner", "source", "tags", "consents", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_tags(self, customer: Customer) -> list[str]:
        return sorted(link.tag.name for link in customer.tag_links.all())

    def get_consents(self, customer: Customer) -> dict[str, bool]:
        return current_consents(customer)

    def validate_birthday(self, value: datetime.date | None) -> datetime.date | None:
        if value and value > timezone.localdate():
            raise serializers.ValidationError("The birthday cannot be in the future.")
        if value and value.year < 1900:
            raise serializers.ValidationError("The birthday must be in 1900 or later.")
        return value

    def validate_assets(self, value: object) -> dict:
        error = validate_assets(value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate_preferences(self, value: object) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Preferences must be an object of topic → list of values.")
        return value

    def validate_owner(self, value: User | None) -> User | None:
        user = self.context["request"].user
        if not user.is_manager:
            current = self.instance.owner if self.instance else user
            if value != current:
                raise serializers.ValidationError("Only a manager may assign a customer to another salesperson.")
        return value


class ConsentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Consent
        fields = ["id", "purpose", "granted", "source", "note", "decided_at", "recorded_by"]
        read_only_fields = ["decided_at", "recorded_by"]


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name", "line_of_business", "description"]


class ProductSerializer(TenantScopedSerializer, serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    line_of_business = serializers.CharField(source="category.line_of_business", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id", "sku", "name", "category", "category_name", "line_of_business", "design", "colour", "size",
            "price", "specs", "description", "purchase_url", "image", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_specs(self, value: object) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Specs must be an object of attribute → value.")
        return value
