from pathlib import Path

from PIL import Image


def thumbnail(root: str, product: int, size: int) -> None:
    source = Path(root) / f"{product}.jpg"
    with Image.open(source) as image:
        image.thumbnail((size, size))
        image.save(source.with_name(f"{product}-{size}.jpg"))
