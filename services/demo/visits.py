"""The manual's 방문일지 example: 김모두 visited 재근상사 (추가개발상담요청), written on the 상담일지."""

from __future__ import annotations

import datetime as dt
import re

from core.audit import SYSTEM
from models.customer import Customer
from models.staff import Staff
from models.visit import HtmlTemplate, VisitReport, VisitState
from services.html_templates import seed_default_template
from services.visits import VisitHeader, filled_template, save_visit

CUSTOMER_CODE = "140213-001"
WRITTEN_ON = dt.date(2019, 3, 28)
VISIT_DATE = dt.date(2019, 3, 29)
PURPOSE = "추가개발상담요청"
BODY = "<p>패키지구매업체, 일부커스터마이징 개발요청</p><p>개발내용 : 문서제작, 일부메뉴 수정 등등</p>"


async def seed() -> str:
    await seed_default_template()
    customer = await Customer.get_or_none(code=CUSTOMER_CODE)
    if customer is None:
        return f"방문일지 예제 건너뜀: 고객 {CUSTOMER_CODE} (재근상사)가 없습니다."
    if await VisitReport.filter(customer_id=customer.id, written_on=WRITTEN_ON, purpose=PURPOSE).exists():
        return "방문일지 예제가 이미 있습니다."
    visitor = await Staff.get_or_none(login="kimmodu")
    template = await HtmlTemplate.all().order_by("id").first()
    header = VisitHeader(
        customer_id=customer.id,
        written_on=WRITTEN_ON,
        visit_date=VISIT_DATE,
        visitor_id=visitor.id if visitor else None,
        purpose=PURPOSE,
        state=VisitState.DONE,
    )
    body = BODY
    if template is not None:
        filled = await filled_template(template.id, header)
        body = re.sub(r"<p><br></p>\s*$", "", filled) + BODY
    visit = await save_visit(
        by=SYSTEM,
        customer_id=customer.id,
        written_on=WRITTEN_ON,
        visit_date=VISIT_DATE,
        visitor_id=header.visitor_id,
        purpose=PURPOSE,
        state=VisitState.DONE,
        template_id=template.id if template else None,
        body_html=body,
    )
    return f"방문일지 1건 추가 (재근상사 {visit.document_number}, {PURPOSE})"
