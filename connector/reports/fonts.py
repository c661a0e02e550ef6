"""A font with Chinese glyphs for charts and PDFs, found without root: no tofu in zh_TW / zh_CN reports.

Looked for, in order:
1. ``PLAYBOOK_REPORT_FONT``: any TTF / OTF / TTC file you choose;
2. the PyPI package ``noto-cjk-sans-otc`` (Noto Sans CJK, SIL OFL; the project's dependency);
3. common system files: Debian's ``fonts-noto-cjk``, ``fonts-wqy-microhei``, ``fonts-droid-fallback``.
In a collection (TTC) the face for the language's region is used: Traditional Chinese glyph shapes for
zh_TW, Simplified for zh_CN.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FONT_ENV = "PLAYBOOK_REPORT_FONT"
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# Which face of a CJK collection suits each report language (en: Traditional, the methodology's own).
REGION = {"zh_TW": "TC", "zh_CN": "SC", "en": "TC"}
INSTALL_HINT = (
    f"pip install noto-cjk-sans-otc (no root needed), or apt-get install fonts-noto-cjk, "
    f"or point {FONT_ENV} at a TTF/OTF/TTC font with Chinese glyphs"
)


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int  # face number inside a TTC collection, 0 otherwise
    family: str


def _candidates() -> list[Path]:
    paths: list[Path] = []
    if os.environ.get(FONT_ENV):
        paths.append(Path(os.environ[FONT_ENV]).expanduser())
    try:
        import noto_cjk_sans_otc  # type: ignore[import-untyped]

        paths.append(Path(str(noto_cjk_sans_otc.FONT_PATH)))
    except ImportError:
        pass
    paths += [Path(p) for p in SYSTEM_FONTS]
    return paths


@functools.cache
def _faces(path: Path) -> list[str]:
    """Family names of the faces in a font file ([] when it is not a readable font)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            return [str(f["name"].getDebugName(1)) for f in TTCollection(str(path), lazy=True).fonts]
        return [str(TTFont(str(path), lazy=True)["name"].getDebugName(1))]
    except (OSError, TTLibError, KeyError) as exc:
        log.warning("cannot read font %s: %s", path, exc)
        return []


@functools.cache
def cjk_font(lang: str) -> FontFace | None:
    """The first usable CJK font for ``lang``, or None (then charts show boxes and PDFs refuse Chinese)."""
    region = REGION.get(lang, "TC")
    for path in _candidates():
        if not path.is_file():
            if os.environ.get(FONT_ENV) and path == Path(os.environ[FONT_ENV]).expanduser():
                log.warning("%s=%s does not exist; looking further", FONT_ENV, path)
            continue
        faces = _faces(path)
        if not faces:
            continue
        index = next((i for i, name in enumerate(faces) if name.endswith(f" {region}")), 0)
        return FontFace(path=path, index=index, family=faces[index])
    return None


def latin_fallback() -> Path:
    """DejaVu Sans as shipped with matplotlib: Unicode Latin, no CJK."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
