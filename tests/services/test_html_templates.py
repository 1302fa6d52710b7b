import datetime as dt

import pytest

from core.errors import PermissionDenied, StaleRecordError, ValidationError
from html_forms.templates import (
    DEFAULT_TEMPLATE_NAME,
    KOREAN_NAMES,
    PLACEHOLDERS,
    default_template_html,
    fill,
    placeholders_in,
    replace_fields,
    sample_values,
    unknown_placeholders,
)
from models.customer import Customer
from models.visit import HtmlTemplate
from services import html_templates
from services.visits import save_visit
from tests.factories.staff import make_admin, make_staff


def test_every_placeholder_is_filled_and_escaped():
    template = "".join(f"<p>{name}=[{{{{{name}}}}}]</p>" for name in PLACEHOLDERS)
    values = {**sample_values(), "company": "<b>재근&상사</b>", "purpose": '"견적" 요청'}
    filled = fill(template, values)
    assert "{{" not in filled
    assert '<span data-field="company">&lt;b&gt;재근&amp;상사&lt;/b&gt;</span>' in filled
    assert '<span data-field="purpose">&quot;견적&quot; 요청</span>' in filled
    for name in PLACEHOLDERS:
        if name not in ("company", "purpose"):
            assert f'<span data-field="{name}">{values[name]}</span>' in filled


def test_missing_values_fill_blank_and_spaces_inside_braces_are_allowed():
    filled = fill(
        "<td>{{ company }}</td><td>{{fax}}</td><td>{{mobile}}</td>", {"company": "재근상사", "fax": None}
    )
    assert filled == (
        '<td><span data-field="company">재근상사</span></td>'
        '<td><span data-field="fax"></span></td><td><span data-field="mobile"></span></td>'
    )


def test_a_placeholder_inside_an_attribute_is_filled_without_markup():
    filled = fill('<a href="mailto:{{email}}">{{email}}</a>', {"email": 'a"b@c.kr'})
    assert filled == '<a href="mailto:a&quot;b@c.kr"><span data-field="email">a&quot;b@c.kr</span></a>'


def test_unknown_placeholders_are_listed():
    html = "<p>{{company}} {{회사}} {{ phone }} {{contactt}} {{company}}</p>"
    assert placeholders_in(html) == ["company", "회사", "phone", "contactt"]
    assert unknown_placeholders(html) == ["회사", "contactt"]
    assert fill(html, {"company": "A"}).count("{{회사}}") == 1  # filling never fails


def test_every_placeholder_has_a_korean_name_that_fills_the_same_value_escaped():
    assert set(KOREAN_NAMES) == set(PLACEHOLDERS)
    assert len(set(KOREAN_NAMES.values())) == len(KOREAN_NAMES)
    assert not set(KOREAN_NAMES.values()) & set(PLACEHOLDERS)
    values = {**sample_values(), "company": "<b>재근&상사</b>"}
    korean = "".join(f"<p>{{{{{KOREAN_NAMES[name]}}}}}</p>" for name in PLACEHOLDERS)
    english = "".join(f"<p>{{{{{name}}}}}</p>" for name in PLACEHOLDERS)
    assert fill(korean, values) == fill(english, values)
    assert '<span data-field="company">&lt;b&gt;재근&amp;상사&lt;/b&gt;</span>' in fill(korean, values)
    html = "<p>{{ 상호 }} {{대표자}} {{전화번호}} {{회사}}</p>"
    assert unknown_placeholders(html) == ["회사"]
    assert fill(html, values).endswith("{{회사}}</p>")  # unknown: left as written, as before
    # the spots a Korean name filled are updated like any other
    filled = fill("<td>{{방문목적}}</td>", {"purpose": "설치"})
    assert replace_fields(filled, {"purpose": "교육"}) == (
        '<td><span data-field="purpose">교육</span></td>',
        1,
    )


def test_a_template_with_korean_placeholders_is_accepted_and_previewed():
    _, html = html_templates.check_template(name="간단상담", html="<p>{{상호}} {{담당자}} 귀하</p>")
    assert html == "<p>{{상호}} {{담당자}} 귀하</p>"
    assert html_templates.preview(html) == (
        '<p><span data-field="company">재근상사</span> <span data-field="contact">이재근</span> 귀하</p>'
    )
    with pytest.raises(ValidationError) as refused:
        html_templates.check_template(name="간단상담", html="<p>{{회사}}</p>")
    assert "{{회사}}" in refused.value.fields["html"]
    assert "{{상호}} 또는 {{company}}" in refused.value.fields["html"]
    rows = html_templates.placeholder_rows()
    assert [(r.korean, r.english) for r in rows[:3]] == [
        ("{{상호}}", "{{company}}"),
        ("{{대표자}}", "{{representative}}"),
        ("{{사업자번호}}", "{{business_number}}"),
    ]
    assert len(rows) == len(PLACEHOLDERS) and rows[0].meaning == PLACEHOLDERS["company"]


def test_replace_fields_updates_only_the_filled_spots():
    body = fill("<table><tr><td>{{purpose}}</td></tr></table><p>본문</p>", {"purpose": "설치"})
    body = body.replace("<p>본문</p>", "<p>손으로 쓴 내용: 설치 완료</p>")
    updated, count = replace_fields(body, {"purpose": "추가개발상담요청"})
    assert count == 1
    assert '<span data-field="purpose">추가개발상담요청</span>' in updated
    assert "손으로 쓴 내용: 설치 완료" in updated
    nested = '<td><span data-field="purpose"><span style="color:red">빨강</span> 글</span></td>'
    assert replace_fields(nested, {"purpose": "새"}) == ('<td><span data-field="purpose">새</span></td>', 1)
    assert replace_fields("<p>지워짐</p>", {"purpose": "새"}) == ("<p>지워짐</p>", 0)


def test_the_shipped_consultation_template_uses_known_placeholders_only():
    html = default_template_html()
    assert unknown_placeholders(html) == []
    for name in ("visit_date", "visit_time", "visitor", "company", "representative", "contact", "phone"):
        assert "{{" + name + "}}" in html
    for name in ("mobile", "fax", "address", "purpose"):
        assert "{{" + name + "}}" in html
    for label in ("방문일자", "방문시간", "방문자", "상 호", "대표자", "담당자", "전화번호", "담당자HP"):
        assert label in html
    assert "팩스번호" in html and "주 소" in html and "방문목적" in html


async def test_default_template_is_loaded_once(db):
    assert await html_templates.seed_default_template() is True
    assert await html_templates.seed_default_template() is False
    template = await HtmlTemplate.get(name=DEFAULT_TEMPLATE_NAME)
    assert "{{company}}" in template.html and "<table" in template.html


async def test_saving_a_template_rejects_unknown_placeholders(db):
    admin = await make_admin()
    with pytest.raises(ValidationError) as error:
        await html_templates.save_template(by=admin, name="견적상담", html="<p>{{company}} {{회사명}}</p>")
    assert "{{회사명}}" in error.value.fields["html"]
    assert not await HtmlTemplate.filter(name="견적상담").exists()


async def test_saving_sanitises_and_checks_name_and_version(db):
    admin = await make_admin()
    template = await html_templates.save_template(
        by=admin, name=" 견적상담 ", html="<p onclick='x()'>{{company}}</p><script>alert(1)</script>"
    )
    assert template.name == "견적상담"
    assert template.html == "<p>{{company}}</p>"
    with pytest.raises(ValidationError) as error:
        await html_templates.save_template(by=admin, name="견적상담", html="<p>다른</p>")
    assert "이미 있습니다" in error.value.fields["name"]
    with pytest.raises(ValidationError) as error:
        await html_templates.save_template(by=admin, name="", html="<script>x</script>")
    assert set(error.value.fields) == {"name", "html"}

    opened = template.version
    await html_templates.save_template(
        by=admin, name="견적상담", html="<p>{{company}} 1</p>", template_id=template.id, version=opened
    )
    with pytest.raises(StaleRecordError):
        await html_templates.save_template(
            by=admin, name="견적상담", html="<p>{{company}} 2</p>", template_id=template.id, version=opened
        )
    assert (await HtmlTemplate.get(id=template.id)).html == "<p>{{company}} 1</p>"


async def test_only_admins_edit_templates(db):
    staff = await make_staff()
    with pytest.raises(PermissionDenied):
        await html_templates.save_template(by=staff, name="몰래", html="<p>x</p>")
    await html_templates.seed_default_template()
    template = await HtmlTemplate.first()
    with pytest.raises(PermissionDenied):
        await html_templates.delete_template(template.id, by=staff)
    assert await html_templates.template_choices() == {template.id: DEFAULT_TEMPLATE_NAME}


async def test_the_template_list_counts_the_visits_written_with_each(db):
    admin = await make_admin()
    await html_templates.seed_default_template()
    consultation = await HtmlTemplate.get(name=DEFAULT_TEMPLATE_NAME)
    other = await html_templates.save_template(by=admin, name="AS점검", html="<p>{{company}}</p>")
    customer = await Customer.create(code="190101-001", registered_on=dt.date(2019, 1, 1), company_name="가")
    for template_id in (consultation.id, consultation.id, None):
        await save_visit(
            by=admin,
            customer_id=customer.id,
            written_on="2019-03-28",
            visit_date="2019-03-29",
            template_id=template_id,
        )
    rows = {row.name: row.in_use for row in await html_templates.template_rows(by=admin)}
    assert rows == {DEFAULT_TEMPLATE_NAME: 2, "AS점검": 0}
    await html_templates.delete_template(other.id, by=admin)
    assert [t.name for t in await html_templates.list_templates()] == [DEFAULT_TEMPLATE_NAME]


async def test_only_an_admin_gets_the_template_list(db):
    """The list (and so its 엑셀 and 인쇄) is the admin screen's: a staff member is refused."""
    clerk = await make_staff()
    await html_templates.seed_default_template()
    with pytest.raises(PermissionDenied):
        await html_templates.template_rows(by=clerk)
