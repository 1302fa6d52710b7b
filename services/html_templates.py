"""Html문서: document templates for visit reports (admin-only editing).

Templates are sanitised when saved and every `{{placeholder}}` must be a known one (by its English
or its Korean name), so a typo is reported to the admin who wrote it, not discovered by the staff
member filling it in."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from core.audit import SYSTEM, Actor, acting_as
from core.errors import ValidationError
from core.inputs import refuse, wrong_texts
from html_forms.sanitize import sanitize_html
from html_forms.templates import (
    DEFAULT_TEMPLATE_NAME,
    KOREAN_NAMES,
    PLACEHOLDERS,
    default_template_html,
    fill,
    sample_values,
    unknown_placeholders,
)
from models.visit import HtmlTemplate, VisitReport
from services.auth import require_admin_now
from services.submissions import already_made, create_once

NAME_MAX = 100


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    active: bool
    version: int
    in_use: int


async def list_templates(*, include_inactive: bool = True) -> list[HtmlTemplate]:
    query = HtmlTemplate.all().order_by("name")
    if not include_inactive:
        query = query.filter(active=True)
    return await query


async def template_rows(*, by: Actor) -> list[TemplateRow]:
    """Every template with how many visit reports use it: the admin list, its 엑셀 and 인쇄
    (admins only, as the screen is)."""
    await require_admin_now(by)
    templates = await list_templates()
    grouped = (
        await VisitReport.filter(template_id__not_isnull=True)
        .annotate(uses=Count("id"))
        .group_by("template_id")
        .values("template_id", "uses")
    )
    counts = {row["template_id"]: row["uses"] for row in grouped}
    return [TemplateRow(t.id, t.name, t.active, t.version, counts.get(t.id, 0)) for t in templates]


async def template_choices() -> dict[int, str]:
    """Active templates for the visit editor's 문서분류: id → name."""
    return {t.id: t.name for t in await list_templates(include_inactive=False)}


async def get_template(template_id: int) -> HtmlTemplate:
    return await HtmlTemplate.fetch(template_id, "문서양식")


def check_template(*, name: str, html: str) -> tuple[str, str]:
    """The cleaned (name, html) or a ValidationError naming the fields at fault."""
    refuse(wrong_texts(name=name, html=html))
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "문서 이름을 입력하세요."
    elif len(name) > NAME_MAX:
        errors["name"] = f"문서 이름은 {NAME_MAX:,}자까지 쓸 수 있습니다."
    cleaned = sanitize_html(html)
    if not cleaned.strip():
        errors["html"] = "문서 내용을 입력하세요."
    unknown = unknown_placeholders(cleaned)
    if unknown:
        listed = ", ".join("{{" + u + "}}" for u in unknown)
        errors["html"] = f"알 수 없는 자리표시자: {listed}. 쓸 수 있는 것: " + ", ".join(
            f"{row.korean} 또는 {row.english}" for row in placeholder_rows()
        )
    if errors:
        raise ValidationError(errors)
    return name, cleaned


async def save_template(
    *,
    by: Actor,
    name: str,
    html: str,
    active: bool = True,
    template_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> HtmlTemplate:
    """Create (once per `form_token`) or update a template (admin only). Editing passes the
    version the admin opened."""
    by.require_admin()
    if template_id is None and (made := await already_made(HtmlTemplate, "html_template", form_token)):
        return made
    name, cleaned = check_template(name=name, html=html)
    duplicate = HtmlTemplate.filter(name=name)
    if template_id is not None:
        duplicate = duplicate.exclude(id=template_id)
    if await duplicate.exists():
        raise ValidationError({"name": f"'{name}' 문서가 이미 있습니다."})
    if template_id is None:
        template = HtmlTemplate(name=name, html=cleaned, active=active)
    else:
        template = await get_template(template_id)
        template.name, template.html, template.active = name, cleaned, active
        if version is not None:
            template.version = version

    async def create() -> HtmlTemplate:
        await template.save()
        return template

    try:
        with acting_as(by):
            if template_id is None:
                return await create_once(HtmlTemplate, "html_template", form_token, create)
            await template.save()
    except IntegrityError as exc:
        raise ValidationError({"name": f"'{name}' 문서가 이미 있습니다."}) from exc
    return template


async def delete_template(template_id: int, *, by: Actor) -> None:
    """Delete a template. Visit reports written with it keep their body; they lose only the link."""
    by.require_admin()
    template = await get_template(template_id)
    with acting_as(by):
        await template.delete()


def clean_html(html: str | None) -> str:
    """Sanitised HTML, safe to put into the page (the template editor and preview use it)."""
    return sanitize_html(html)


@dataclass(frozen=True)
class PlaceholderRow:
    """One placeholder as the template screen lists it: both ways to write it and its meaning."""

    korean: str  # {{상호}}
    english: str  # {{company}}
    meaning: str


def placeholder_rows() -> list[PlaceholderRow]:
    """Every placeholder, in the order of the template screen."""
    return [
        PlaceholderRow("{{" + KOREAN_NAMES[name] + "}}", "{{" + name + "}}", meaning)
        for name, meaning in PLACEHOLDERS.items()
    ]


def shipped_default() -> str:
    """The 상담일지 as shipped (to restore a template the admin broke)."""
    return sanitize_html(default_template_html())


def preview(html: str) -> str:
    """The template sanitised and filled with the manual's example visit."""
    return sanitize_html(fill(sanitize_html(html), sample_values()))


async def seed_default_template() -> bool:
    """Load the shipped 상담일지 on first run (when there is no template at all). True if added."""
    if await HtmlTemplate.exists():
        return False
    with acting_as(SYSTEM):
        await HtmlTemplate.create(name=DEFAULT_TEMPLATE_NAME, html=shipped_default())
    return True
