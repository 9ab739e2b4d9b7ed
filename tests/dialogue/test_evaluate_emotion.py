"""``manage.py evaluate_emotion``: a manager's labelled CSV → the model, the lexicon and snownlp side by side."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from dialogue.emotion_store import install_shipped_model

ROWS = [
    ("1", "房间干净，服务热情，下次还来"),
    ("1", "味道很好，送餐也快，非常满意"),
    ("1", "性价比很高，推荐给朋友了"),
    ("0", "太难吃了，再也不会点了"),
    ("0", "等了两个小时才送到，饭都凉了"),
    ("0", "房间又小又吵，前台态度很差"),
]


def write_csv(tmp_path, rows, header="label,review"):
    path = tmp_path / "reviews.csv"
    path.write_text(header + "\n" + "\n".join(f"{label},{text}" for label, text in rows) + "\n", encoding="utf-8")
    return path


def test_three_readers_side_by_side_with_a_json_last_line(db, settings, tmp_path, capsys):
    settings.MODEL_DIR = tmp_path / "models"
    install_shipped_model()
    call_command("evaluate_emotion", "--csv", str(write_csv(tmp_path, ROWS)))
    lines = capsys.readouterr().out.strip().splitlines()
    report = json.loads(lines[-1])
    names = [r["name"] for r in report["results"]]
    assert report["rows"] == 6
    assert names[0].startswith("trained model") and names[1:] == ["lexicon", "snownlp"]
    for result in report["results"]:
        assert 0.0 <= result["accuracy"] <= 1.0
        assert result["sentences_per_second"] > 0
    assert report["results"][0]["accuracy"] >= 5 / 6
    assert any("macro-F1" in line for line in lines[:-1])


def test_other_column_names_are_accepted(db, tmp_path, capsys):
    path = write_csv(tmp_path, ROWS, header="y,text")
    call_command("evaluate_emotion", "--csv", str(path), "--text-column", "text", "--label-column", "y", "--no-snownlp")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["rows"] == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("label,comment\n1,好\n", "Column “review” is missing"),
        ("label,review\n2,还行\n", "Line 2: the label must be 1"),
        ("label,review\n", "no labelled rows"),
    ],
)
def test_bad_files_get_a_clear_error(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_emotion", "--csv", str(path))


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("evaluate_emotion", "--csv", str(tmp_path / "nope.csv"))
