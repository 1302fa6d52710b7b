"""회사정보 for the demo office, so the first 견적서, 유지보수동의서, 거래명세서 and 영수증 already
carry a 공급자 block: 상호, 대표자, a 사업자번호 whose check digit is right, 업태/종목, address,
phone and fax, and a sample stamp drawn here (a red circle with the company's name and 인).
An office that already saved its 회사정보 keeps it untouched."""

from __future__ import annotations

import asyncio
import io

from core.audit import SYSTEM
from html_forms.pdf import font_files
from services import company

DEMO_COMPANY = {
    "name": "(주)고객소프트",
    "business_number": "123-45-67891",
    "representative": "김대표",
    "business_type": "서비스",
    "business_item": "소프트웨어 개발 및 공급",
    "address": "서울특별시 구로구 디지털로 33길 11",
    "phone": "02-808-8016",
    "fax": "02-808-8017",
}
STAMP_SIZE = 240
STAMP_RED = (200, 30, 30, 255)


def sample_stamp(name: str) -> bytes | None:
    """A round red stamp (PNG, transparent outside the ink): the name without (주) on top, 인
    below. None when Pillow or a Korean TrueType font is not at hand (the documents then print
    "(인)" as without a stamp)."""
    files = font_files()
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    if files is None:
        return None
    text = name.replace("(주)", "").replace("주식회사", "").strip() or name
    image = Image.new("RGBA", (STAMP_SIZE, STAMP_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, STAMP_SIZE - 6, STAMP_SIZE - 6), outline=STAMP_RED, width=12)
    size = 64
    font = ImageFont.truetype(files[1], size)
    while size > 20 and draw.textlength(text, font=font) > STAMP_SIZE * 0.7:
        size -= 4
        font = ImageFont.truetype(files[1], size)
    centre = STAMP_SIZE / 2
    draw.text((centre, centre - 8), text, font=font, fill=STAMP_RED, anchor="ms")
    draw.text((centre, centre + 14), "인", font=ImageFont.truetype(files[1], 64), fill=STAMP_RED, anchor="mt")
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


async def seed() -> str:
    if (await company.get_company()).version:
        return "회사정보는 이미 입력되어 있어 그대로 둠"
    info = await company.save_company(by=SYSTEM, version=0, **DEMO_COMPANY)
    stamp = await asyncio.to_thread(sample_stamp, info.name)
    if stamp is None:
        return f"회사정보 {info.name} 입력 (도장 이미지 없음: 한글 글꼴이나 Pillow가 없음)"
    await company.save_stamp(by=SYSTEM, version=info.version, filename="sample-stamp.png", data=stamp)
    return f"회사정보 {info.name} 입력 (견본 도장 포함)"
