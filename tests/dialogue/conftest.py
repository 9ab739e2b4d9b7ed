"""Fixtures of the conversation-engine tests: a conversation about the sofa (``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from dialogue.analysis import start_conversation


@pytest.fixture
def conversation(customer, salesperson, sofa):
    salesperson.email = "sales1@example.cn"
    salesperson.phone = "13800000000"
    salesperson.save()
    return start_conversation(customer, salesperson=salesperson, product=sofa, greeting="您好，想了解一下这款沙发吗？")
