"""The picture field type of request models: a path in the request, a checked picture in the model.

``validate_request`` passes the folders a request's pictures may come from (``roots``: the
request file's folder, then the workspace) in the validation context; a picture found nowhere
else, too large or not an image fails validation, so it is refused before a number is taken,
naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, ValidationInfo, WithJsonSchema

from docgen.pictures import Picture, load_picture
from docgen.profile import Limits

__all__ = ["Gambar", "gambar_field"]


def gambar_field(lebar_mm: float | None = 80.0, tinggi_mm: float | None = None) -> Any:
    """A picture field placed at this size unless the template says otherwise (``|gambar(60)``).

    With both sizes the picture fits inside that box; its aspect ratio is always kept.
    """

    def _load(value: Any, info: ValidationInfo) -> Picture:
        if isinstance(value, Picture):
            return value
        if not isinstance(value, str):
            raise ValueError("tulis jalur berkas gambar sebagai teks, misalnya foto/depan.jpg")
        context = info.context or {}
        limits: Limits = context.get("limits") or Limits()
        picture = load_picture(
            value,
            context.get("roots") or (),
            max_bytes=limits.picture_bytes,
            max_pixels=limits.picture_pixels,
            stored=bool(context.get("stored")),
        )
        return picture.sized(lebar_mm, tinggi_mm)

    return Annotated[
        Picture,
        PlainValidator(_load),
        PlainSerializer(lambda picture: str(picture.path), return_type=str),
        WithJsonSchema({"type": "string", "description": "jalur berkas gambar (JPEG/PNG)"}),
    ]


Gambar = gambar_field()
"""A picture placed 80 mm wide (height from its aspect ratio) unless the template sizes it."""
