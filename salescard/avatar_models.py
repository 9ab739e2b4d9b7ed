"""Checking an uploaded 3D face before it reaches a customer's phone (SPEC S8): a glTF 2.0 model, either one
binary ``.glb`` file or a ``.gltf`` JSON file with its buffers embedded as data URIs (a single upload cannot
carry side files), at most ``MAX_BYTES``.

The GLB container is read as the glTF 2.0 specification lays it out: a 12-byte header (magic ``glTF``,
version 2, total length) and a first chunk of type ``JSON`` holding the scene description.
"""

from __future__ import annotations

import json
import struct
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
GLB_MAGIC = b"glTF"
JSON_CHUNK = b"JSON"


def validate_avatar_model(upload: IO[bytes]) -> None:
    """Raise ``ValidationError`` with the reason unless ``upload`` is a usable glTF 2.0 model."""
    name = PurePath(getattr(upload, "name", "") or "").name.lower()
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The model is larger than 10 MB."))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The model is larger than 10 MB."))
    if name.endswith(".glb"):
        document = _glb_json(data)
    elif name.endswith(".gltf"):
        document = _json(data)
        _require_embedded_buffers(document)
    else:
        raise ValidationError(_("Upload a .glb or .gltf file."))
    _require_gltf2_with_a_mesh(document)


def _glb_json(data: bytes) -> dict:
    if len(data) < 20 or data[:4] != GLB_MAGIC:
        raise ValidationError(_("This is not a binary glTF (.glb) file."))
    version, length = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise ValidationError(_("Only glTF 2.0 models are supported."))
    if length != len(data):
        raise ValidationError(_("The .glb file is truncated or damaged."))
    chunk_length, chunk_type = struct.unpack_from("<I4s", data, 12)
    if chunk_type != JSON_CHUNK or 20 + chunk_length > len(data):
        raise ValidationError(_("The .glb file is truncated or damaged."))
    return _json(data[20 : 20 + chunk_length])


def _json(data: bytes) -> dict:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(_("The model's scene description is not valid JSON.")) from error
    if not isinstance(document, dict):
        raise ValidationError(_("The model's scene description is not valid JSON."))
    return document


def _require_embedded_buffers(document: dict) -> None:
    for buffer in document.get("buffers", []):
        uri = buffer.get("uri", "") if isinstance(buffer, dict) else ""
        if uri and not uri.startswith("data:"):
            raise ValidationError(_("A .gltf upload must embed its buffers; upload a .glb file instead."))


def _require_gltf2_with_a_mesh(document: dict) -> None:
    asset = document.get("asset")
    if not isinstance(asset, dict) or not str(asset.get("version", "")).startswith("2."):
        raise ValidationError(_("Only glTF 2.0 models are supported."))
    if not document.get("meshes"):
        raise ValidationError(_("The model contains no mesh to show."))
