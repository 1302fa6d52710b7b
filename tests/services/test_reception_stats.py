"""고객접수현황 checked against a small hand-built office: every number below is counted by hand."""

import datetime as dt
from dataclasses import replace

import pytest

from core.errors import ValidationError
from models.codes import CodeEntry, CodeKind
from models.product import CustomerProduct, ProductModule
from models.reception import ReceptionState
from services import reception_stats as stats
from services.reception_stats import NO_RECEIVER, StatsFilters
from services.receptions import ReceptionInput, save_reception
from tests.factories.customers import make_customer
from tests.factories.staff import make_staff

SEPTEMBER = StatsFilters(date_from=dt.date(2016, 9, 1), date_to=dt.date(2016, 9, 30))
D = dt.datetime


async def code(kind: CodeKind, value: str) -> int:
    return (await CodeEntry.get(kind=kind, code=value)).id


@pytest.fixture
async def office(db):
    kim = await make_staff(name="김데모")
    hong = await make_staff(name="홍길동")
    hyunbin = await make_staff(name="현빈")
    maintenance = await code(CodeKind.SERVICE_CLASS, "01")
    free = await code(CodeKind.SERVICE_CLASS, "02")

    jaegeun = await make_customer(
        "재근상사",
        code="140213-001",
        registered_on=dt.date(2014, 2, 13),
        service_class_id=maintenance,
        representative="김대표",
        contact_name="이재근",
        phone="02-999-8888",
        mobile="010-222-5555",
    )
    hidesign = await make_customer(
        "하이디자인",
        code="160921-003",
        registered_on=dt.date(2016, 9, 21),
        service_class_id=free,
        representative="황대표",
    )
    songil = await make_customer(
        "송일시스템", code="150915-002", registered_on=dt.date(2015, 9, 15), service_class_id=free
    )
    await make_customer(
        "모드시스템", code="161015-001", registered_on=dt.date(2016, 10, 15), service_class_id=free
    )  # registered after the period
    yuil = await make_customer(
        "유일종합상사", code="150903-001", registered_on=dt.date(2015, 9, 3), service_class_id=maintenance
    )

    group = await code(CodeKind.PRODUCT_GROUP, "01")
    basic = await code(CodeKind.PRODUCT_MODULE, "C011")
    product = await CustomerProduct.create(customer=jaegeun, product_group_id=group)
    await ProductModule.create(product=product, module_id=basic, user_count=3)

    as_type = await code(CodeKind.RECEPTION_TYPE, "1")
    sales = await code(CodeKind.RECEPTION_TYPE, "2")
    after = await code(CodeKind.RECEPTION_TYPE, "3")
    phone_route = await code(CodeKind.RECEPTION_ROUTE, "1")
    visit_route = await code(CodeKind.RECEPTION_ROUTE, "2")
    large = await code(CodeKind.RECEPTION_CATEGORY, "01")
    medium = await code(CodeKind.RECEPTION_CATEGORY, "0101")
    small = await code(CodeKind.RECEPTION_CATEGORY, "010101")

    async def reception(at, who, receiver, type_id, route=phone_route, state=ReceptionState.PENDING, **extra):
        processor = extra.pop("processor", None)
        return await save_reception(
            ReceptionInput(
                received_at=at,
                customer_id=who.id if who else None,
                receiver_id=receiver.id,
                reception_type_id=type_id,
                route_id=route,
                state=state,
                processor_id=processor.id if processor else None,
                **extra,
            ),
            by=receiver,
        )

    made = {
        1: await reception(
            D(2016, 9, 21, 14, 59, 31),
            jaegeun,
            kim,
            as_type,
            state=ReceptionState.DONE,
            processor=hyunbin,
            inquiry="김현모 차장 오류 문의",
            category_large_id=large,
            category_medium_id=medium,
            category_small_id=small,
        ),
        2: await reception(
            D(2016, 9, 21, 15, 0, 25), hidesign, kim, after, inquiry="ADJ-50128 견적 이메일 발송요청"
        ),
        3: await reception(D(2016, 9, 21, 17, 51, 9), jaegeun, kim, as_type, state=ReceptionState.DONE),
        4: await reception(D(2016, 9, 22, 10, 0), None, hong, as_type, state=ReceptionState.ON_HOLD),
        5: await reception(D(2016, 8, 1, 9, 0), songil, hong, as_type),  # before the period
        6: await reception(D(2016, 10, 1, 0, 0), jaegeun, kim, as_type),  # the midnight after it
        7: await reception(
            D(2016, 9, 30, 23, 59, 59), hidesign, hong, sales, route=visit_route, state=ReceptionState.DONE
        ),
    }
    return {
        "kim": kim,
        "hong": hong,
        "jaegeun": jaegeun,
        "hidesign": hidesign,
        "songil": songil,
        "yuil": yuil,
        "made": made,
        "as_type": as_type,
        "visit_route": visit_route,
        "small": small,
        "maintenance": maintenance,
        "free": free,
        "basic": basic,
    }


def ids(rows, office) -> list[int]:
    number = {r.id: n for n, r in office["made"].items()}
    return [number[row["id"]] for row in rows]


async def test_all_lists_the_period_in_time_order(office):
    page = await stats.reception_list(SEPTEMBER)
    assert ids(page.rows, office) == [1, 2, 3, 4, 7]
    assert page.total == 5
    first = page.rows[0]
    assert first["type_name"] == "1.고객AS"
    assert (first["category_large"], first["category_medium"], first["category_small"]) == (
        "프로그램",
        "설치",
        "신규설치",
    )
    assert first["customer_name"] == "재근상사"
    assert first["receiver_name"] == "김데모" and first["processor_name"] == "현빈"
    second_page = await stats.reception_list(SEPTEMBER, limit=2, offset=2)
    assert ids(second_page.rows, office) == [3, 4] and second_page.total == 5
    streamed = [row async for row in stats.iter_reception_list(SEPTEMBER)]
    assert ids(streamed, office) == [1, 2, 3, 4, 7]
    assert streamed[0]["inquiry"] == "김현모 차장 오류 문의"


async def test_per_staff_counts_processed_and_last_reception(office):
    summary = await stats.staff_summary(SEPTEMBER)
    assert [(r["name"], r["received"], r["processed"], r["last_received_at"]) for r in summary.rows] == [
        ("김데모", 3, 2, D(2016, 9, 21, 17, 51, 9)),
        ("홍길동", 2, 1, D(2016, 9, 30, 23, 59, 59)),
    ]
    assert (summary.received, summary.processed, summary.last_received_at) == (
        5,
        3,
        D(2016, 9, 30, 23, 59, 59),
    )
    hong = next(r for r in summary.rows if r["name"] == "홍길동")
    listed = await stats.reception_list(SEPTEMBER, receiver_id=hong["receiver_id"])
    assert ids(listed.rows, office) == [4, 7]
    assert (await stats.reception_list(SEPTEMBER, receiver_id=NO_RECEIVER)).rows == []


async def test_per_customer_counts_with_the_total_row(office):
    summary = await stats.customer_summary(SEPTEMBER)
    assert [(r["code"], r["company_name"], r["count"], r["last_received_at"]) for r in summary.rows] == [
        ("160921-003", "하이디자인", 2, D(2016, 9, 30, 23, 59, 59)),
        ("140213-001", "재근상사", 2, D(2016, 9, 21, 17, 51, 9)),
    ]
    jaegeun = summary.rows[1]
    assert (jaegeun["representative"], jaegeun["contact_name"], jaegeun["phone"], jaegeun["mobile"]) == (
        "김대표",
        "이재근",
        "02-999-8888",
        "010-222-5555",
    )
    # the total row: customers and their receptions (the unlinked reception 4 is not a customer's)
    assert (summary.total, summary.receptions, summary.last_received_at) == (2, 4, D(2016, 9, 30, 23, 59, 59))
    second = await stats.customer_summary(SEPTEMBER, limit=1, offset=1)
    assert [r["company_name"] for r in second.rows] == ["재근상사"] and second.total == 2
    streamed = [row async for row in stats.iter_customer_summary(SEPTEMBER)]
    assert [(r["company_name"], r["count"]) for r in streamed] == [("하이디자인", 2), ("재근상사", 2)]
    # the export's 합계 row has the same totals as the screen's
    totals = await stats.customer_totals(SEPTEMBER)
    assert (totals.customers, totals.receptions, totals.last_received_at) == (
        2,
        4,
        D(2016, 9, 30, 23, 59, 59),
    )


async def test_customers_without_reception_in_the_period(office):
    page = await stats.customers_without_reception(SEPTEMBER)
    # 모드시스템 was registered after the period; 송일시스템's only reception was in August
    assert [(r["code"], r["company_name"], r["last_received_at"]) for r in page.rows] == [
        ("150903-001", "유일종합상사", None),
        ("150915-002", "송일시스템", D(2016, 8, 1, 9, 0)),
    ]
    assert page.total == 2
    assert [r["company_name"] async for r in stats.iter_customers_without_reception(SEPTEMBER)] == [
        "유일종합상사",
        "송일시스템",
    ]
    october = StatsFilters(date_from=dt.date(2016, 10, 1), date_to=dt.date(2016, 10, 31))
    assert [r["company_name"] for r in (await stats.customers_without_reception(october)).rows] == [
        "유일종합상사",
        "송일시스템",
        "하이디자인",
        "모드시스템",
    ]


async def test_every_filter_narrows_every_tab(office):
    as_only = replace(SEPTEMBER, reception_type_id=office["as_type"])
    assert ids((await stats.reception_list(as_only)).rows, office) == [1, 3, 4]
    assert [
        (r["name"], r["received"], r["processed"]) for r in (await stats.staff_summary(as_only)).rows
    ] == [
        ("김데모", 2, 2),
        ("홍길동", 1, 0),
    ]
    assert [r["company_name"] for r in (await stats.customer_summary(as_only)).rows] == ["재근상사"]
    # no AS reception in September: 하이디자인 joins the silent customers
    assert [r["company_name"] for r in (await stats.customers_without_reception(as_only)).rows] == [
        "유일종합상사",
        "송일시스템",
        "하이디자인",
    ]

    by_visit = replace(SEPTEMBER, route_id=office["visit_route"])
    assert ids((await stats.reception_list(by_visit)).rows, office) == [7]
    by_category = replace(SEPTEMBER, category_small_id=office["small"])
    assert ids((await stats.reception_list(by_category)).rows, office) == [1]
    maintained = replace(SEPTEMBER, service_class_id=office["maintenance"])
    assert ids((await stats.reception_list(maintained)).rows, office) == [1, 3]
    assert [r["company_name"] for r in (await stats.customers_without_reception(maintained)).rows] == [
        "유일종합상사"
    ]
    with_module = replace(SEPTEMBER, module_id=office["basic"])
    assert ids((await stats.reception_list(with_module)).rows, office) == [1, 3]
    assert (await stats.customer_summary(with_module)).receptions == 2
    one_customer = replace(SEPTEMBER, customer_id=office["hidesign"].id)
    assert ids((await stats.reception_list(one_customer)).rows, office) == [2, 7]
    assert [r["name"] for r in (await stats.staff_summary(one_customer)).rows] == ["김데모", "홍길동"]
    assert (await stats.customers_without_reception(one_customer)).rows == []


async def test_chart_counts_per_day_and_per_week_by_type(office):
    daily = await stats.reception_chart(SEPTEMBER)
    assert daily.unit == "day" and len(daily.labels) == 30
    series = dict(daily.series)
    assert list(series) == ["고객AS", "영업상담", "사후컨설팅"]
    day = daily.labels.index
    assert series["고객AS"][day("2016-09-21")] == 2 and series["고객AS"][day("2016-09-22")] == 1
    assert series["사후컨설팅"][day("2016-09-21")] == 1
    assert series["영업상담"][day("2016-09-30")] == 1
    assert sum(sum(counts) for counts in series.values()) == 5

    weekly = await stats.reception_chart(SEPTEMBER, unit="week")
    assert weekly.labels[0] == "2016-08-29" and weekly.labels[-1] == "2016-09-26"  # Mondays
    series = dict(weekly.series)
    week = weekly.labels.index
    assert series["고객AS"][week("2016-09-19")] == 3
    assert series["사후컨설팅"][week("2016-09-19")] == 1
    assert series["영업상담"][week("2016-09-26")] == 1
    year = StatsFilters(date_from=dt.date(2016, 1, 1), date_to=dt.date(2016, 12, 31))
    assert (await stats.reception_chart(year)).unit == "week"


async def test_a_period_ending_before_it_starts_is_refused(db):
    backwards = StatsFilters(date_from=dt.date(2016, 9, 30), date_to=dt.date(2016, 9, 1))
    with pytest.raises(ValidationError, match="끝이 시작보다"):
        await stats.staff_summary(backwards)


async def test_any_period_is_accepted_and_a_long_one_is_charted_per_month_where_the_data_is(office):
    decades = StatsFilters(date_from=dt.date(2000, 1, 1), date_to=dt.date(2030, 12, 31))
    decades.check()  # no limit on the length of a period
    assert ids((await stats.reception_list(decades)).rows, office) == [5, 1, 2, 3, 4, 7, 6]
    chart = await stats.reception_chart(decades)
    # per month, from the first reception of the period (August 2016) to its last (October), not
    # thirty years
    assert chart.unit == "month" and chart.labels == ["2016-08-01", "2016-09-01", "2016-10-01"]
    series = dict(chart.series)
    assert series["고객AS"] == [1, 3, 1] and series["영업상담"] == [0, 1, 0]
    assert sum(sum(counts) for counts in series.values()) == 7
    two_years = StatsFilters(date_from=dt.date(2015, 1, 1), date_to=dt.date(2016, 12, 31))
    assert (await stats.reception_chart(two_years)).unit == "week"
