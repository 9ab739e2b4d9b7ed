"""``/api/dialogue/calls/``: upload a call recording (multipart ``recording``, ``customer``, ``language``) and follow
its transcription (``status``, ``progress``, ``segments``). Thin: authorise by relation, validate, call
``dialogue.calls``. Salespeople see the calls of the customers they are linked to; managers see all."""

from __future__ import annotations

from django.conf import settings
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from crm.access import customers_visible_to
from crm.models import Customer
from crm.permissions import CustomerAccess
from dialogue.calls import CallRefusedError, receive_call
from dialogue.models import Call, CallSegment


class CallSegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallSegment
        fields = [
            "index", "start", "end", "text", "emotion", "emotion_scores", "first_emotion", "second_scores", "keywords",
            "situation", "scene", "relation", "sound",
        ]  # fmt: skip


class CallSerializer(serializers.ModelSerializer):
    segments = CallSegmentSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id", "customer", "salesperson", "source", "language", "audio_format", "duration", "status", "progress",
            "error", "rtf", "created_at", "transcribed_at", "segments",
        ]  # fmt: skip
        read_only_fields = fields


class CallUploadSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    language = serializers.ChoiceField(choices=Call._meta.get_field("language").choices, default="zh-hans")
    recording = serializers.FileField()

    def validate_customer(self, customer: Customer) -> Customer:
        if not customers_visible_to(self.context["request"].user).filter(pk=customer.pk).exists():
            raise serializers.ValidationError("You are not linked to this customer.")
        return customer

    def validate_recording(self, upload):
        if upload.size > settings.CALL_MAX_BYTES:
            raise serializers.ValidationError(f"The recording is larger than {settings.CALL_MAX_BYTES >> 20} MB.")
        return upload


class CallViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CallSerializer
    permission_classes = [CustomerAccess]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        visible = customers_visible_to(self.request.user)
        queryset = Call.objects.filter(customer__in=visible).order_by("-created_at", "-pk")
        return queryset.prefetch_related("segments") if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return CallUploadSerializer if self.action == "create" else CallSerializer

    def create(self, request: Request) -> Response:
        upload = CallUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            call = receive_call(
                data["customer"], request.user, data["recording"].read(), data["recording"].name, data["language"]
            )
        except CallRefusedError as error:
            return Response({"recording": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)
