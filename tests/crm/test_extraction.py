"""Profile facts from chat text (SPEC P2): each field, the traps (order numbers, prices, other people's facts,
negations), Chinese numerals; and the quality figures on the labelled set the project ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm.im_profile.extraction import FIELDS, chinese_number, extract_text

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "profile_chat_lines.jsonl"


def facts(text: str) -> set[tuple[str, str]]:
    return {(f.field, f.value) for f in extract_text(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的手机号是138 1234 5678，有事打我", {("phone", "13812345678")}),
        ("+86-139-1234-5678 微信同号", {("phone", "13912345678")}),
        ("座机 (0755)26781234", {("phone", "0755-26781234")}),
        ("邮箱 Zhang.Wei@TengDa.com 发我就行", {("email", "zhang.wei@tengda.com")}),
        ("我在招商银行做柜员", {("company", "招商银行"), ("job_title", "柜员")}),
        ("我是深圳市腾达科技有限公司的销售总监", {("company", "深圳市腾达科技有限公司"), ("job_title", "销售总监")}),
        ("我喺平安做嘢", {("company", "平安")}),
        ("我是一名老师", {("job_title", "老师")}),
        ("我生日是5月12号", {("birthday", "--05-12")}),
        ("我1990年3月8日出生的", {("birthday", "1990-03-08")}),
        ("我今年35了", {("age", "35")}),
        ("我三十二岁", {("age", "32")}),
        ("我住深圳南山", {("city", "深圳")}),
        ("我住在天河那边", {("city", "广州")}),
        ("老家湖南的", {("hometown", "湖南")}),
        ("我是潮汕人", {("hometown", "潮汕")}),
        ("我没结婚，还单身", {("married", "false")}),
        ("我老公说周末一起去看", {("married", "true")}),
        ("两个孩子都上小学了", {("children", "2")}),
        ("家里二胎", {("children", "2")}),
        ("我们丁克", {("children", "0")}),
        ("预算30万左右", {("budget", "300000")}),
        ("预算20到30万", {("budget", "300000")}),
        ("一百五十万以内", {("budget", "1500000")}),
        ("想看看大额存单", {("interest", "large-cd")}),
        ("平时喜欢钓鱼和爬山", {("hobby", "钓鱼"), ("hobby", "登山")}),
        ("我是INFJ", {("mbti", "INFJ")}),
        ("测了下mbti是entp", {("mbti", "ENTP")}),
    ],
)
def test_each_field(text, expected):
    assert expected <= facts(text), facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "订单号 2023110512345678 帮我查下",
        "快递单号SF1234567890123到了吗",
        "验证码 4869",
        "这个5999太贵了",
        "我同事电话13912345678",
        "我朋友在腾讯，他邮箱 abc@qq.com",
        "下周去上海出差",
        "王经理你好",
        "我妈今年60了",
        "用了35年的老房子",
        "预约11月12号去店里",
        "重疾险我不考虑",
        "我不喜欢跑步",
        "等结婚了再买",
        "看看这个 https://shop.example.com/@brand/sofa",
        "你的电话是13800138000吗",
    ],
)
def test_traps_yield_nothing_about_the_writer(text):
    found = facts(text)
    assert not {f for f in found if f[0] not in ("interest",)}, found


def test_a_spouse_s_employer_is_not_the_writer_s():
    assert facts("我老公在华为上班") == {("married", "true")}


def test_a_rejected_product_next_to_a_wanted_one():
    assert facts("重疾险我不考虑，医疗险可以了解下") == {("interest", "medical")}


def test_spans_point_into_the_text():
    text = "您好！我的邮箱是 li@example.com 谢谢"
    [finding] = extract_text(text)
    assert text[finding.start : finding.end] == "li@example.com"


def test_full_width_digits_and_empty_input():
    assert ("phone", "13812345678") in facts("手机：１３８１２３４５６７８")
    assert extract_text("") == [] and extract_text(None) == []


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("三十", 30),
        ("十二", 12),
        ("二十三", 23),
        ("一百五十万", 1_500_000),
        ("两千五", 2_500),
        ("五千", 5_000),
        ("x", None),
    ],
)
def test_chinese_numerals(word, value):
    assert chinese_number(word) == value


def test_quality_on_the_labelled_set():
    """The shipped labelled set (bench/data): precision ≥ 0.95 and recall ≥ 0.85 on phone, e-mail and company (the
    issue's targets). bench/bench_extraction.py prints every field."""
    lines = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 300
    counts = {field: [0, 0, 0] for field in FIELDS}  # true positives, false positives, false negatives
    for line in lines:
        truth = {tuple(pair) for pair in line["facts"]}
        found = facts(line["text"])
        for field, _ in found & truth:
            counts[field][0] += 1
        for field, _ in found - truth:
            counts[field][1] += 1
        for field, _ in truth - found:
            counts[field][2] += 1
    for field in ("phone", "email", "company"):
        tp, fp, fn = counts[field]
        assert tp / (tp + fp) >= 0.95, (field, counts[field])
        assert tp / (tp + fn) >= 0.85, (field, counts[field])
