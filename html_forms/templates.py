"""Html문서: named `{{placeholders}}` in document templates, checked when a template is saved and
filled when a visit report is written. Every placeholder has an English and a Korean name
(`{{company}}` or `{{상호}}`); both fill the same value.

Filled values are HTML-escaped; a missing value fills blank. Where a placeholder stands in text
(not inside a tag), the value is wrapped in `<span data-field="name">` so that a later change
(a new visit purpose, another customer) can update exactly that spot with `replace_fields`."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from pathlib import Path

# name → what it stands for (shown on the template admin screen, in this order)
PLACEHOLDERS: dict[str, str] = {
    "company": "상호 (법인상호)",
    "representative": "대표자",
    "business_number": "사업자번호",
    "customer_code": "고객코드",
    "contact": "담당자 (고객측)",
    "phone": "전화번호",
    "mobile": "담당자HP (명함의 휴대폰, 없으면 고객 휴대폰)",
    "fax": "팩스번호",
    "email": "이메일",
    "address": "주소 (주소 + 상세주소)",
    "postal_code": "우편번호",
    "written_on": "작성일자",
    "document_number": "문서번호",
    "visit_date": "방문일자",
    "visit_time": "방문시간",
    "visitor": "방문자",
    "purpose": "방문목적",
    "state": "진행상태",
}
# name → its Korean name, the word on the office's own forms (either may be written in a template):
# what it stands for without the explanation in brackets
KOREAN_NAMES: dict[str, str] = {name: meaning.split(" (")[0] for name, meaning in PLACEHOLDERS.items()}
_BY_NAME: dict[str, str] = {
    **{name: name for name in PLACEHOLDERS},
    **{k: n for n, k in KOREAN_NAMES.items()},
}
CUSTOMER_FIELDS = (
    "company",
    "representative",
    "business_number",
    "customer_code",
    "contact",
    "phone",
    "mobile",
    "fax",
    "email",
    "address",
    "postal_code",
)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_TEMPLATE_NAME = "상담일지"
DEFAULT_TEMPLATE_FILE = TEMPLATE_DIR / "consultation.html"

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_FIELD_SPAN = re.compile(r'<span data-field="([a-z_]+)">')
_SPAN_TAG = re.compile(r"<span\b[^>]*>|</span>", re.IGNORECASE)


def default_template_html() -> str:
    return DEFAULT_TEMPLATE_FILE.read_text(encoding="utf-8")


def placeholders_in(html: str) -> list[str]:
    """Every placeholder name used, in order of first use (names as written, trimmed)."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(html or ""):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def field_name(name: str) -> str | None:
    """The (English) field a placeholder name stands for, written in English or Korean; None when
    unknown."""
    return _BY_NAME.get(name.strip())


def unknown_placeholders(html: str) -> list[str]:
    return [name for name in placeholders_in(html) if field_name(name) is None]


def _in_text(html: str, position: int) -> bool:
    """True when `position` is in text, not inside a tag (sanitised HTML escapes < and > in text)."""
    return html.rfind("<", 0, position) <= html.rfind(">", 0, position)


def fill(html: str, values: Mapping[str, object | None]) -> str:
    """The template with every known placeholder replaced by its escaped value (blank if missing).
    Unknown placeholders are left as written: templates are checked when they are saved."""

    def replace(match: re.Match) -> str:
        name = field_name(match.group(1))
        if name is None:
            return match.group(0)
        raw = values.get(name)
        text = html_lib.escape("" if raw is None else str(raw), quote=True)
        if _in_text(html, match.start()):
            return f'<span data-field="{name}">{text}</span>'
        return text

    return PLACEHOLDER.sub(replace, html or "")


def _field_spans(html: str, name: str) -> list[tuple[int, int]]:
    """(start, end) of the content of every `<span data-field="name">`, nested spans balanced."""
    spans = []
    for opening in _FIELD_SPAN.finditer(html):
        if opening.group(1) != name:
            continue
        depth = 1
        for tag in _SPAN_TAG.finditer(html, opening.end()):
            depth += -1 if tag.group(0).startswith("</") else 1
            if depth == 0:
                spans.append((opening.end(), tag.start()))
                break
    return spans


def replace_fields(html: str, values: Mapping[str, object | None]) -> tuple[str, int]:
    """Put new values into the spots where placeholders were filled. Returns the HTML and how many
    spots were updated (0 when the user deleted them while editing)."""
    updated = 0
    for name, raw in values.items():
        text = html_lib.escape("" if raw is None else str(raw), quote=True)
        for start, end in reversed(_field_spans(html, name)):
            html = html[:start] + text + html[end:]
            updated += 1
    return html, updated


def sample_values() -> dict[str, str]:
    """Example values for the template preview on the admin screen (the manual's 재근상사)."""
    return {
        "company": "재근상사",
        "representative": "김대표",
        "business_number": "123-45-67890",
        "customer_code": "140213-001",
        "contact": "이재근",
        "phone": "02-999-8888",
        "mobile": "010-222-5555",
        "fax": "02-999-8889",
        "email": "test@example.com",
        "address": "경기도 안산시 단원구 강서길 9 (와동, 성동빌라) 601",
        "postal_code": "15321",
        "written_on": "2019-03-28",
        "document_number": "190328-001",
        "visit_date": "2019-03-29",
        "visit_time": "14:00",
        "visitor": "김모두",
        "purpose": "추가개발상담요청",
        "state": "완료",
    }
