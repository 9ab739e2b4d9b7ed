"""``/api/dialogue/calls/``: upload a call recording (multipart ``recording``, ``customer``, ``language``) and follow
its transcription (``status``, ``progress``, ``segments``). Thin: authorise by relation, validate, call
``dialogue.calls.recordings`` and ``suggestions``, and queue the background work they call for (``tasks``).
Salespeople see the calls of the customers they are linked to; managers see all."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from crm.access import customers_visible_to
from crm.api.scoping import TenantScopedSerializer
from crm.models import Customer
from crm.permissions import CustomerAccess
from dialogue.calls.models import Call, CallSegment, ReplySuggestion
from dialogue.calls.pushes import SEGMENT_FIELDS
from dialogue.calls.recordings import CallRefusedError, receive_call
from dialogue.calls.suggestions import FeedbackRefusedError, rate, record_outcome, send_to_customer, suggestion_frame
from dialogue.calls.tasks import enqueue_transcription, retrain_when_due


class CallSegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallSegment
        fields = list(SEGMENT_FIELDS)


class SuggestionSerializer(serializers.Serializer):
    """A reply suggested after a segment (V7) and the salesperson's feedback on it (V8, V9)."""

    id = serializers.IntegerField()
    segment = serializers.IntegerField()
    rank = serializers.IntegerField()
    script = serializers.IntegerField()
    key = serializers.CharField()
    text = serializers.CharField()
    scene = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    used = serializers.BooleanField()
    rating = serializers.IntegerField(allow_null=True)
    sent = serializers.BooleanField()


class FeedbackSerializer(serializers.Serializer):
    used = serializers.BooleanField(required=False)
    rating = serializers.JSONField(required=False, help_text="excellent, good, fair, poor, or a number 0–100.")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["deal", "no_deal"])


class CallSerializer(serializers.ModelSerializer):
    segments = CallSegmentSerializer(many=True, read_only=True)
    suggestions = serializers.SerializerMethodField()

    @extend_schema_field(SuggestionSerializer(many=True))
    def get_suggestions(self, call: Call) -> list[dict]:
        rows = ReplySuggestion.objects.filter(call=call).select_related("script", "segment")
        return [suggestion_frame(s) for s in rows]

    class Meta:
        model = Call
        fields = [
            "id", "customer", "salesperson", "source", "language", "audio_format", "duration", "status", "progress",
            "error", "rtf", "outcome", "created_at", "transcribed_at", "segments", "suggestions",
        ]  # fmt: skip
        read_only_fields = fields


class CallUploadSerializer(TenantScopedSerializer, serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())  # the caller's organisation's
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
    parser_classes = [MultiPartParser, FormParser, JSONParser]

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
        enqueue_transcription(call.pk)  # once the upload commits
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)

    def _suggestion(self, pk: str, suggestion_id: str) -> ReplySuggestion:
        call = self.get_object()
        return get_object_or_404(
            ReplySuggestion.objects.select_related("script", "segment", "call__customer"), call=call, pk=suggestion_id
        )

    @extend_schema(request=FeedbackSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"], url_path=r"suggestions/(?P<suggestion_id>[0-9]+)/feedback")
    def feedback(self, request: Request, pk: str, suggestion_id: str) -> Response:
        """ "Used it" and/or a rating (V9); a score above the threshold adds a training sample."""
        suggestion = self._suggestion(pk, suggestion_id)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            rated = rate(suggestion, request.user, used=data.get("used"), rating=data.get("rating"))
        except FeedbackRefusedError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        retrain_when_due()
        return Response(suggestion_frame(rated))

    @extend_schema(request=OutcomeSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        """The call's outcome (V9): ``deal`` turns the replies used in it into training samples."""
        call = self.get_object()
        data = request.data if isinstance(request.data, dict) else {}
        try:
            recorded = record_outcome(call, data.get("outcome"))
        except FeedbackRefusedError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        retrain_when_due()
        return Response(CallSerializer(recorded).data)

    @extend_schema(request=None, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"], url_path=r"suggestions/(?P<suggestion_id>[0-9]+)/send")
    def send(self, request: Request, pk: str, suggestion_id: str) -> Response:
        """Text the suggested reply to the customer (V8; needs their contact consent)."""
        suggestion = self._suggestion(pk, suggestion_id)
        try:
            sent = send_to_customer(suggestion)
        except FeedbackRefusedError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(suggestion_frame(sent))
