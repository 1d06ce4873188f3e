"""A drawn signature comes from the signing pages' 600 x 200 pad, yet one of 6,300 x 6,300 pixels
(a single line on a transparent page: 110 KB, under the 512 KB cap) was accepted: checking it
took ~13 s of an image thread (two serve every upload of the API) and every agreement PDF
printing it ~8 s more. A signature larger than any pad draws is refused on its field from its
header, before its pixels are decoded; a pad's signature still passes."""

import base64
import time
from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from api.domain.files import decode_signature_image
from core.errors import Invalid


def drawn(width: int, height: int) -> str:
    image = Image.new("LA", (width, height), (255, 0))
    ImageDraw.Draw(image).line((10, 10, width - 10, height - 10), fill=(0, 255), width=5)
    out = BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_a_signature_larger_than_a_pad_is_refused_before_its_pixels_are_read():
    huge = drawn(6300, 6300)
    assert len(huge) < 512 * 1024 * 4 / 3  # under the byte cap: only its size in pixels tells
    started = time.monotonic()
    with pytest.raises(Invalid) as refused:
        decode_signature_image(huge, "signature")
    assert time.monotonic() - started < 2
    assert refused.value.errors.keys() == {"signature"}
    assert "too large" in refused.value.message
    assert "Clear it and draw it again" in refused.value.message


def test_a_pads_signature_and_a_wide_one_are_kept():
    for width, height in ((600, 200), (1800, 600)):
        png = decode_signature_image(drawn(width, height), "signature")
        assert Image.open(BytesIO(png)).size == (width, height)
