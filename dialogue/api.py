"""Thin REST API of the conversation engine for the sales terminal (SPEC S11–S14): open a conversation,
analyse a customer's message, answer as the salesperson, take, release or close a hand-off. Every change is pushed
live after commit (``dialogue.conversation_pushes``, which waits for the commit itself), so the customer's card and
the terminals see it at once.
Staff see only conversations of customers they may see (``crm.access``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from crm.access import customers_visible_to
from crm.api.scoping import TenantScopedSerializer
from crm.models import Product
from crm.permissions import CustomerAccess
from dialogue.analysis import analyze_reply, start_conversation
from dialogue.conversation_pushes import publish_after_customer_message, publish_messages, publish_state
from dialogue.handoff import (
    TransitionRefusedError,
    accept_handoff,
    close_conversation,
    closed_message,
    release_to_bot,
    salesperson_reply,
)
from dialogue.models import Conversation, HandOff, Message
from dialogue.text import MAX_REPLY_CHARS, ReplyRefusedError, validate_reply


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "sender",
            "text",
            "created_at",
            "language",
            "emotion",
            "emotion_scores",
            "polarity",
            "satisfaction",
            "deal_rate",
            "reasons",
            "situation",
            "answer_confidence",
            "actions",
        ]


class ConversationSerializer(TenantScopedSerializer, serializers.ModelSerializer):
    messages = MessageSerializer(many=True, read_only=True)

    class Meta:
        model = Conversation
        fields = ["id", "customer", "salesperson", "product", "channel", "language", "state", "greeting", "messages"]
        read_only_fields = ["salesperson", "language", "state", "messages"]

    def validate_customer(self, customer):
        if not customers_visible_to(self.context["request"].user).filter(pk=customer.pk).exists():
            raise ValidationError("You may not talk to this customer.")
        return customer


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_REPLY_CHARS * 2, trim_whitespace=False, allow_blank=True)

    def validate_text(self, value: str) -> str:
        try:
            return validate_reply(value)
        except ReplyRefusedError as error:
            raise ValidationError(str(error)) from error


class ConversationViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConversationSerializer
    permission_classes = [CustomerAccess]

    def get_queryset(self):
        visible = customers_visible_to(self.request.user)
        queryset = Conversation.objects.filter(customer__in=visible).select_related("customer", "product")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("messages")
        return queryset.order_by("-updated_at", "-pk")

    def get_serializer_class(self):
        if self.action in ("analyze", "reply"):
            return TextSerializer
        return ConversationSerializer

    def perform_create(self, serializer: ConversationSerializer) -> None:
        data = serializer.validated_data
        product: Product | None = data.get("product")
        serializer.instance = start_conversation(
            data["customer"],
            salesperson=self.request.user,
            product=product,
            channel=data.get("channel", Conversation.Channel.TERMINAL),
            greeting=data.get("greeting", ""),
        )

    @extend_schema(request=TextSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def analyze(self, request: Request, pk: str | None = None) -> Response:
        """Analyse and answer a customer's message (emotion, K, P, answer, suggestions, actions)."""
        conversation = self.get_object()
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            analysis = analyze_reply(conversation, serializer.validated_data["text"])
        except TransitionRefusedError as error:  # closed: the integration starts a new conversation
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        publish_after_customer_message(
            analysis.conversation, analysis.message_ids, analysis.suggestions, state_changed=analysis.state_changed
        )
        return Response(analysis.as_dict())

    @extend_schema(request=TextSerializer, responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        """The salesperson answers the customer (takes a waiting hand-off)."""
        conversation = self.get_object()
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        state = conversation.state

        def reply() -> MessageSerializer:
            message = salesperson_reply(conversation, request.user, serializer.validated_data["text"])
            publish_messages(conversation.pk, [message.pk])
            if state != Conversation.State.SALESPERSON:
                publish_state(conversation.pk)
            return MessageSerializer(message)

        return self._transition(reply)

    @extend_schema(request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        conversation = self.get_object()
        if conversation.state == Conversation.State.CLOSED:
            return Response({"detail": closed_message()}, status=status.HTTP_409_CONFLICT)
        pending = conversation.handoffs.filter(status=HandOff.Status.PENDING).first()
        if pending is None:
            return Response({"detail": _("No hand-off is waiting.")}, status=status.HTTP_409_CONFLICT)
        return self._transition(lambda: self._fresh(conversation, accept_handoff(pending, request.user)))

    @extend_schema(request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        conversation = self.get_object()
        return self._transition(lambda: self._fresh(conversation, release_to_bot(conversation)))

    @extend_schema(request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        conversation = self.get_object()
        return self._transition(lambda: self._fresh(conversation, close_conversation(conversation)))

    def _fresh(self, conversation: Conversation, _result: object) -> ConversationSerializer:
        publish_state(conversation.pk)
        conversation.refresh_from_db()
        return ConversationSerializer(conversation, context={"request": self.request})

    @staticmethod
    def _transition(run) -> Response:
        try:
            return Response(run().data)
        except TransitionRefusedError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
