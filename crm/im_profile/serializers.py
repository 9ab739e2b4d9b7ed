"""The IM webhook payloads (SPEC P1, P2, P5), validated field by field; they are also the OpenAPI documentation.

Every event: ``{"event_id": "…", "type": "…", "occurred_at": "ISO 8601 (optional)", "data": {…}}``; ``data``
depends on ``type``. People are named by their ids on the IM platform: staff by ``staff_id`` (a staff member's
"IM account id" in the admin), customers by ``customer_id`` or a ``customer`` object.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from crm.im_profile.webhooks import OPERATION_KINDS
from crm.models import ChatMessage, Customer

IM_ID = {"max_length": 100, "allow_blank": False}


class ImCustomerSerializer(serializers.Serializer):
    """The customer information the platform gives (P1)."""

    external_id = serializers.CharField(**IM_ID, help_text="The customer's id on the IM platform.")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Customer.Gender.choices, required=False)
    avatar_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    phone = serializers.RegexField(r"^\+?[0-9][0-9\- ]{5,19}$", required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    residence = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="Region or city.")


class FriendAddedSerializer(serializers.Serializer):
    staff_id = serializers.CharField(**IM_ID)
    customer = ImCustomerSerializer()
    remark = serializers.CharField(max_length=100, required=False, allow_blank=True)


class FriendRemovedSerializer(serializers.Serializer):
    staff_id = serializers.CharField(**IM_ID)
    customer_id = serializers.CharField(**IM_ID)


class GroupInfoSerializer(serializers.Serializer):
    external_id = serializers.CharField(**IM_ID)
    name = serializers.CharField(max_length=100)


class GroupMemberSerializer(serializers.Serializer):
    """Exactly one of ``staff_id`` or ``customer``."""

    staff_id = serializers.CharField(**IM_ID, required=False)
    customer = ImCustomerSerializer(required=False)

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("staff_id")) == bool(attrs.get("customer")):
            raise serializers.ValidationError("A member is either a staff_id or a customer, not both or neither.")
        return attrs


class GroupChangedSerializer(serializers.Serializer):
    group = GroupInfoSerializer()
    joined = GroupMemberSerializer(many=True, required=False, max_length=500)
    left = GroupMemberSerializer(many=True, required=False, max_length=500)
    dismissed = serializers.BooleanField(required=False, default=False)


class MessageReceivedSerializer(serializers.Serializer):
    message_id = serializers.CharField(**IM_ID)
    customer_id = serializers.CharField(**IM_ID, required=False, help_text="Or give 'customer'.")
    customer = ImCustomerSerializer(required=False)
    staff_id = serializers.CharField(**IM_ID, required=False, help_text="The staff member addressed or writing.")
    group_id = serializers.CharField(**IM_ID, required=False, help_text="The group, for a group message.")
    direction = serializers.ChoiceField(choices=ChatMessage.Direction.choices)
    kind = serializers.ChoiceField(choices=ChatMessage.Kind.choices)
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    image_base64 = serializers.CharField(required=False, help_text="The image file, base64-encoded (kind image).")
    image_type = serializers.ChoiceField(
        choices=["image/jpeg", "image/png", "image/webp", "image/gif"], required=False, default="image/jpeg"
    )
    sent_at = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("customer_id") and not attrs.get("customer"):
            raise serializers.ValidationError({"customer_id": "Name the customer (customer_id or customer)."})
        if not attrs.get("staff_id") and not attrs.get("group_id"):
            raise serializers.ValidationError({"staff_id": "Name the staff member, or the group for a group message."})
        if attrs["kind"] == ChatMessage.Kind.TEXT and not attrs.get("text", "").strip():
            raise serializers.ValidationError({"text": "A text message needs text."})
        if attrs["kind"] == ChatMessage.Kind.IMAGE and not attrs.get("image_base64"):
            raise serializers.ValidationError({"image_base64": "An image message needs the image."})
        if attrs.get("sent_at") and attrs["sent_at"] > timezone.now() + timezone.timedelta(minutes=5):
            raise serializers.ValidationError({"sent_at": "A message cannot be sent in the future."})
        return attrs


class CustomerOperationSerializer(serializers.Serializer):
    """What the customer did towards a staff member (P5)."""

    customer_id = serializers.CharField(**IM_ID)
    staff_id = serializers.CharField(**IM_ID, required=False)
    operation = serializers.ChoiceField(choices=sorted(OPERATION_KINDS))
    target = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="Title or URL.")
    seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False)


DATA_SERIALIZERS = {
    "friend.added": FriendAddedSerializer,
    "friend.removed": FriendRemovedSerializer,
    "group.changed": GroupChangedSerializer,
    "message.received": MessageReceivedSerializer,
    "customer.operation": CustomerOperationSerializer,
}


class WebhookEventSerializer(serializers.Serializer):
    event_id = serializers.CharField(**IM_ID, help_text="Unique per integration: a repeated id is not applied again.")
    type = serializers.ChoiceField(choices=sorted(DATA_SERIALIZERS))
    occurred_at = serializers.DateTimeField(required=False)
    data = serializers.DictField(help_text="Depends on type: see the *Serializer schemas of each type.")

    def validate(self, attrs: dict) -> dict:
        if attrs.get("occurred_at") and attrs["occurred_at"] > timezone.now() + timezone.timedelta(minutes=5):
            raise serializers.ValidationError({"occurred_at": "An event cannot occur in the future."})
        data = DATA_SERIALIZERS[attrs["type"]](data=attrs["data"])
        if not data.is_valid():
            raise serializers.ValidationError({"data": data.errors})
        attrs["data"] = data.validated_data
        return attrs


def _envelope(kind: str, data_serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one event type, for the OpenAPI documentation (validation goes through the envelope above)."""
    name = data_serializer.__name__.removesuffix("Serializer") + "Event"
    fields = {
        "event_id": serializers.CharField(max_length=100, help_text="Unique per integration."),
        "type": serializers.ChoiceField(choices=[kind]),
        "occurred_at": serializers.DateTimeField(required=False),
        "data": data_serializer(),
    }
    return type(name, (serializers.Serializer,), fields)


EVENT_SCHEMAS = {kind: _envelope(kind, serializer) for kind, serializer in DATA_SERIALIZERS.items()}


class WebhookResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["processed", "duplicate"])
    event_id = serializers.CharField()
    customer_id = serializers.IntegerField(allow_null=True)


class SidebarLinkRequestSerializer(serializers.Serializer):
    staff_id = serializers.CharField(**IM_ID)
    customer_id = serializers.CharField(**IM_ID)


class SidebarLinkSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_in = serializers.IntegerField()
