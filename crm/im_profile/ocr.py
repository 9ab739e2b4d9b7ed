"""Profile facts from images a customer sends (SPEC P2): business cards and screenshots, read by RapidOCR.

RapidOCR runs PP-OCR detection, orientation and recognition models through onnxruntime; the models ship inside
the ``rapidocr`` wheel, so nothing is downloaded. The engine loads once per process (about a second) and reads a
phone photo in about half a second on one core, which is why images are read on the ``inference`` queue.
The text it reads goes through the same extraction as chat text (``crm.im_profile.extraction``).
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from crm.im_profile.extraction import Finding, extract_text

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb, not a chat image
MAX_SIDE = 2000  # longer sides are scaled down first: OCR time grows with pixels, accuracy does not
MIN_SCORE = 0.6  # lines the recogniser is less sure of are left out


class UnreadableImageError(ValueError):
    """The bytes are not an image we can read (wrong format, truncated, too large)."""


@dataclass(frozen=True)
class ImageReading:
    text: str
    findings: list[Finding] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


_engine = None
_engine_lock = threading.Lock()


def _ocr_engine():
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr import RapidOCR

            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            _engine = RapidOCR(params={"Global.log_level": "warning"})
        return _engine


def open_image(data: bytes) -> Image.Image:
    """Decode ``data`` into an upright RGB image no larger than ``MAX_SIDE``, or raise ``UnreadableImageError``."""
    if not data:
        raise UnreadableImageError("The image is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise UnreadableImageError(f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise UnreadableImageError("The image has too many pixels.")
            probe.load()
            image = ImageOps.exif_transpose(probe).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, UnreadableImageError):
            raise
        raise UnreadableImageError(
            "The file is not an image that can be read (PNG, JPEG, WebP, GIF or BMP)."
        ) from error
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def read_image(data: bytes) -> list[str]:
    """The lines of text in the image, top to bottom."""
    image = open_image(data)
    result = _ocr_engine()(image)
    texts = result.txts or ()
    scores = result.scores or (1.0,) * len(texts)
    return [text.strip() for text, score in zip(texts, scores, strict=False) if text.strip() and score >= MIN_SCORE]


def image_findings(data: bytes) -> ImageReading:
    """Read the image and extract the facts its text states (a card's lines are its owner's)."""
    lines = read_image(data)
    text = "\n".join(lines)
    return ImageReading(text=text, findings=extract_text(text), lines=lines)
