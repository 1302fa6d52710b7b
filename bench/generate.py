"""Deterministic benchmark office (docs/performance.md): realistic Korean customers, cards, receptions,
products, contracts, quotes and visits, bulk-inserted into a database built by the real
migrations (see BASE_MIGRATION). Scale 1.0 = 100 000 customers, 250 000 cards, 1 000 000 receptions, 40 000 products,
20 000 contracts, 50 000 quotes with 300 000 lines, 30 000 visits, 50 staff."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from core.korean import business_number_check_digit, chosung, format_phone

BASE = {
    "staff": 50,
    "customers": 100_000,
    "cards": 250_000,
    "receptions": 1_000_000,
    "products": 40_000,
    "contracts": 20_000,
    "quotes": 50_000,
    "quote_lines": 300_000,
    "visits": 30_000,
    "items": 2_000,
    "shipments": 20_000,
    "receipts": 15_000,
    "calls": 1_000_000,
}

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민"
GIVEN = "민서지현수영준우도하윤은재정성진태경미혜상동승호연아선희철훈석규"
COMPANY_SYLLABLES = "한대성동신태우세삼국제일원명현광보해청미래새솔누리다온하늘바영진창화금강백두"
# real Korean company names are mostly built from a few common words, which makes fragment
# searches ("대한", "미래") match hundreds of customers, as they do in a real office
COMPANY_WORDS = [
    "대한",
    "한국",
    "동양",
    "서울",
    "경기",
    "미래",
    "하나",
    "세종",
    "우리",
    "신한",
    "태평양",
    "한빛",
    "새한",
    "삼화",
    "대성",
    "동아",
    "제일",
    "현대",
    "중앙",
    "국제",
    "금강",
    "백두",
    "한솔",
    "누리",
    "다온",
    "세광",
    "명성",
    "청솔",
    "한마음",
    "푸른",
]
LATIN_STEMS = ["KT", "SK", "LG", "ABC", "IT", "JS", "HN", "DH", "BS", "Smart", "Net", "Data"]
COMPANY_KINDS = [
    "상사",
    "시스템",
    "테크",
    "통신",
    "디자인",
    "산업",
    "건설",
    "물산",
    "정보",
    "소프트",
    "전자",
    "유통",
    "식품",
    "의료",
    "케어",
    "컨설팅",
    "세무회계",
    "무역",
    "엔지니어링",
    "인쇄",
    "기계",
    "물류",
]
REGIONS = [
    ("02", "서울특별시", ["금천구", "강남구", "구로구", "영등포구", "마포구", "송파구", "중구", "성동구"]),
    (
        "031",
        "경기도",
        ["안산시 단원구", "수원시 팔달구", "성남시 분당구", "부천시", "안양시 동안구", "고양시 일산동구"],
    ),
    ("032", "인천광역시", ["남동구", "부평구", "연수구"]),
    ("051", "부산광역시", ["해운대구", "부산진구", "사상구"]),
    ("053", "대구광역시", ["수성구", "달서구"]),
    ("042", "대전광역시", ["유성구", "서구"]),
    ("062", "광주광역시", ["북구", "서구"]),
]
ROADS = [
    "가산디지털1로",
    "테헤란로",
    "디지털로",
    "강서길",
    "중앙대로",
    "시민로",
    "산업로",
    "벤처로",
    "월드컵로",
    "경인로",
]
SYMPTOMS = [
    "프로그램 실행 시 오류 메시지가 나옵니다",
    "세금계산서 출력이 안 됩니다",
    "재고 수량이 맞지 않습니다",
    "신규 사용자 추가 방법 문의",
    "월말 마감 처리 방법 문의",
    "키락 인식이 안 된다고 합니다",
    "견적서 양식 수정 요청",
    "급여 계산 결과 확인 요청",
    "원격 지원 요청",
    "교육방문 가능시간 문의",
    "업데이트 후 화면이 느려졌습니다",
    "백업 방법 문의",
    "프린터 설정 문의",
    "도입문의",
    "주문요청 / 입금 확인 부탁드립니다",
    "거래처 등록 오류",
    "엑셀 자료 업로드 문의",
    "전화요청",
    "유지보수 계약 연장 문의",
    "비밀번호 초기화 요청",
    "부가세 신고자료 생성 오류",
    "연말정산 자료 반영 문의",
    "바코드 프린터 출력 위치가 틀어집니다",
    "서버 이전 작업 일정 문의",
    "거래명세서 양식 추가 요청",
]
DETAILS = [
    "",
    "",
    "",
    " 오늘 중으로 처리 부탁드립니다.",
    " 어제부터 계속 같은 증상입니다.",
    " 여러 PC에서 같은 현상이 있습니다.",
    " 담당자 부재 시 대표번호로 연락 바랍니다.",
    " 급한 건이라 빠른 연락 요청.",
    " 지난번 안내 받은 방법으로도 해결되지 않았습니다.",
]
ANSWERS = [
    "원격으로 확인 후 조치 완료",
    "설정 변경 안내 드림",
    "업데이트 설치로 해결",
    "방문하여 처리함",
    "사용 방법 안내 완료",
    "담당자에게 전달함",
    "자료 복구 완료",
    "재설치 후 정상 확인",
    "패치 파일 전달 후 정상 확인",
    "다음 주 방문 일정 잡음",
    "견적서 발송함",
    "프로그램 재시작 후 정상",
]
ITEM_NAMES = [
    "ERP영업관리",
    "ERP회계관리",
    "ERP인사급여",
    "ERP재고관리",
    "그룹웨어",
    "전자결재",
    "키락",
    "설치비",
    "교육비",
    "유지보수",
]


BUSY_CUSTOMER_RECEPTIONS = 5_000


def counts(scale: float) -> dict[str, int]:
    return {name: max(1 if name != "staff" else 5, round(count * scale)) for name, count in BASE.items()}


class Office:
    """Random but reproducible Korean office data."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.today = dt.date(2026, 11, 27)

    def person(self) -> str:
        r = self.random
        return r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN)

    def company(self) -> str:
        r = self.random
        roll = r.random()
        if roll < 0.45:
            stem = r.choice(COMPANY_WORDS)
        elif roll < 0.55:
            stem = r.choice(COMPANY_WORDS) + r.choice(COMPANY_SYLLABLES)
        elif roll < 0.6:
            stem = r.choice(LATIN_STEMS)
        else:
            stem = "".join(r.choice(COMPANY_SYLLABLES) for _ in range(r.choice((2, 2, 3))))
        name = stem + r.choice(COMPANY_KINDS)
        roll = r.random()
        if roll < 0.25:
            return "(주)" + name
        if roll < 0.3:
            return "주식회사 " + name
        if roll < 0.33:
            return name + " " + r.choice(("본사", "지점", "서울지사", "부산지사"))
        return name

    def region(self) -> tuple[str, str, list[str]]:
        return self.random.choices(REGIONS, weights=[40, 30, 8, 7, 5, 5, 5])[0]

    def address(self, region: tuple[str, str, list[str]]) -> str:
        r = self.random
        return f"{region[1]} {r.choice(region[2])} {r.choice(ROADS)} {r.randint(1, 300)}"

    def landline(self, area: str) -> str:
        r = self.random
        middle = r.randint(200, 9999) if area == "02" else r.randint(200, 999)
        return format_phone(f"{area}{middle}{r.randint(0, 9999):04d}")

    def mobile(self) -> str:
        return f"010-{self.random.randint(1000, 9999)}-{self.random.randint(0, 9999):04d}"

    def internet_phone(self) -> str:
        return f"070-{self.random.randint(2000, 8999)}-{self.random.randint(0, 9999):04d}"

    def nationwide(self) -> str:
        r = self.random
        return f"{r.choice(('1544', '1588', '1577', '1600', '1661', '1800'))}-{r.randint(0, 9999):04d}"

    def office_phone(self, area: str) -> str:
        """A customer's main number: mostly a landline of its region, often an internet phone
        (070), sometimes a nationwide 15xx/16xx/18xx number, a few only a mobile."""
        roll = self.random.random()
        if roll < 0.68:
            return self.landline(area)
        if roll < 0.88:
            return self.internet_phone()
        if roll < 0.95:
            return self.nationwide()
        return self.mobile()

    def inquiry(self) -> str:
        """What the caller asked: a product, a symptom, sometimes a screen or error code and a
        remark. Error codes are rare words, as in a real log, so text search sees both cases."""
        r = self.random
        text = r.choice(SYMPTOMS)
        if r.random() < 0.6:
            text = f"[{r.choice(ITEM_NAMES)}] {text}"
        if r.random() < 0.2:
            text += f" ({r.randint(1, 999)}번 화면)"
        if r.random() < 0.1:
            text += f" 오류코드 E{r.randint(1000, 9999)}"
        return text + r.choice(DETAILS)

    def answer(self) -> str:
        r = self.random
        text = r.choice(ANSWERS)
        if r.random() < 0.3:
            text += f". {r.choice(ANSWERS)}"
        return text

    def business_number(self) -> str:
        r = self.random
        first = f"{r.randint(101, 899)}{r.randint(1, 99):02d}{r.randint(1, 9999):04d}"
        return first + str(business_number_check_digit(first))

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.random.randint(0, max(0, (end - start).days)))

    def moment(self, day: dt.date) -> dt.datetime:
        r = self.random
        return dt.datetime.combine(day, dt.time(r.randint(8, 18), r.randint(0, 59), r.randint(0, 59)))


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value.isoformat()


class Inserter:
    """Bulk inserts that fill the base columns (timestamps, version) and any NOT NULL column the
    generator does not know about, so schema additions do not break the generator."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.columns: dict[str, list[tuple[str, str, bool, object]]] = {}
        self.stamp = "2026-11-27 09:00:00"

    def _table(self, table: str) -> list[tuple[str, str, bool, object]]:
        if table not in self.columns:
            info = self.connection.execute(f"PRAGMA table_info('{table}')").fetchall()
            self.columns[table] = [(row[1], row[2].upper(), bool(row[3]), row[4]) for row in info]
        return self.columns[table]

    def _default(self, name: str, kind: str, not_null: bool):
        if name == "id":
            return None  # autoincrement
        if name in ("created_at", "updated_at"):
            return self.stamp
        if name == "version":
            return 1
        if not not_null:
            return None
        return 0 if ("INT" in kind or "REAL" in kind or "NUMERIC" in kind) else ""

    def insert(self, table: str, rows: Iterable[dict], chunk: int = 20_000) -> int:
        columns = self._table(table)
        names = [c[0] for c in columns]
        sql = f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) VALUES ({", ".join("?" * len(names))})'
        total = 0
        batch: list[tuple] = []
        for row in rows:
            values = []
            for name, kind, not_null, _ in columns:
                if name in row:
                    value = row[name]
                    values.append(_iso(value) if isinstance(value, dt.date) else value)
                else:
                    values.append(self._default(name, kind, not_null))
            batch.append(tuple(values))
            if len(batch) >= chunk:
                self.connection.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            self.connection.executemany(sql, batch)
            total += len(batch)
        return total


LONG_QUOTE_LINES = 30  # the benchmark prints a quote of this many lines


def _line_counts(r: random.Random, quotes: int, lines: int) -> list[int]:
    """Lines per quote: mostly 1–11, one in a hundred a long quote of 30 lines (at least one),
    adding up to exactly `lines` (when there are enough lines)."""
    counts = [LONG_QUOTE_LINES if r.random() < 0.01 else r.randint(1, 11) for _ in range(quotes)]
    counts[0] = LONG_QUOTE_LINES
    short = [i for i, c in enumerate(counts) if c != LONG_QUOTE_LINES]
    total = sum(counts)
    while total != lines and short:
        i = r.choice(short)
        if total < lines and counts[i] < LONG_QUOTE_LINES - 1:
            counts[i] += 1
            total += 1
        elif total > lines and counts[i] > 1:
            counts[i] -= 1
            total -= 1
        elif all(counts[j] == 1 for j in short) or all(counts[j] >= LONG_QUOTE_LINES - 1 for j in short):
            break
    return counts


def _codes(connection: sqlite3.Connection, kind: str, top_level_only: bool = False) -> list[int]:
    sql = "SELECT id FROM code_entry WHERE kind = ?" + (" AND parent_id IS NULL" if top_level_only else "")
    return [row[0] for row in connection.execute(sql + " ORDER BY id", (kind,))]


def _children(connection: sqlite3.Connection, parent_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {p: [] for p in parent_ids}
    for child, parent in connection.execute(
        "SELECT id, parent_id FROM code_entry WHERE parent_id IS NOT NULL"
    ):
        if parent in result:
            result[parent].append(child)
    return result


# The rows are inserted into the schema as it stood before the benchmark's own migrations; those
# (search indexes, log indexes) and any later ones then run on the filled file, as they run on an
# office's existing database when it is upgraded. Inserting a million rows into every index and
# search trigger would take many times longer.
BASE_MIGRATION = "models.0003_reception_stats_and_contact_indexes"


async def _migrate_and_seed(path: Path) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate as run_migrations

    from core.db import tortoise_config
    from services.codes import seed_codes

    url = f"sqlite://{path}"
    try:
        await run_migrations(config=tortoise_config(url), app_labels=["models"], target=BASE_MIGRATION)
    finally:
        await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url))
    try:
        await seed_codes()
    finally:
        await Tortoise.close_connections()


def _call_rows(
    office: Office, customers: list[dict], staff_ids: list[int], count: int, today: dt.date
) -> Iterator[dict]:
    """Five years of calls, oldest first: four in five incoming, most from customers' numbers (the
    busiest customers call most); a missed call older than a week was handled by someone."""
    r = office.random
    weights = [1.0 / (1 + (i % 500)) for i in range(len(customers))]
    chosen = r.choices(range(len(customers)), weights=weights, k=count)
    start = today - dt.timedelta(days=5 * 365)
    moments = sorted(office.moment(office.date_between(start, today)) for _ in range(count))
    for index, (customer_index, occurred) in enumerate(zip(chosen, moments, strict=True), start=1):
        customer = customers[customer_index] if r.random() < 0.85 else None
        number = (customer["mobile"] or customer["phone"]) if customer and r.random() < 0.3 else None
        number = number or (customer["phone"] if customer else office.mobile())
        inbound = r.random() < 0.8
        roll = r.random()
        if inbound:
            outcome = "응답" if roll < 0.75 else "부재중" if roll < 0.9 else "알 수 없음"
        else:
            outcome = "응답" if roll < 0.7 else "부재중"
        answered = outcome == "응답"
        ring = r.randint(2, 30)
        talk = r.randint(10, 900) if answered else None
        staff = r.choice(staff_ids) if answered or not inbound else None
        handled = inbound and outcome == "부재중" and (today - occurred.date()).days > 7
        yield {
            "id": index,
            "source": r.choice(["cti", "centrex", "ring"]) if inbound else "dial",
            "number": number,
            "digits": "".join(ch for ch in number if ch.isdigit()),
            "extension": f"{100 + (staff or r.choice(staff_ids))}",
            "occurred_at": occurred,
            "customer_id": customer["id"] if customer else None,
            "external_id": "",
            "caller_name": "",
            "direction": "수신" if inbound else "발신",
            "outcome": outcome,
            "answered_at": occurred + dt.timedelta(seconds=ring) if answered else None,
            "ended_at": occurred + dt.timedelta(seconds=ring + (talk or 0)),
            "duration_seconds": talk,
            "staff_id": staff,
            "handled_at": occurred + dt.timedelta(hours=r.randint(1, 24)) if handled else None,
            "handled_by_id": r.choice(staff_ids) if handled else None,
            "handled_memo": "다시 걸어 통화함" if handled else "",
        }


def _insert_calls(
    path: Path, office: Office, customers: list[dict], staff_ids: list[int], count: int, today: dt.date
) -> int:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-200000")
        connection.execute("BEGIN")
        inserted = Inserter(connection).insert(
            "call_event", _call_rows(office, customers, staff_ids, count, today)
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    from core.db import refresh_statistics

    refresh_statistics(str(path))  # what the app does at every start (core.db.migrate), now with the calls
    return inserted


def generate(path: Path, *, scale: float = 1.0, seed: int = 20261127) -> dict[str, int]:
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    asyncio.run(_migrate_and_seed(path))
    n = counts(scale)
    office = Office(seed)
    r = office.random
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=MEMORY")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-200000")
    ins = Inserter(connection)
    connection.execute("BEGIN")
    report: dict[str, int] = {}

    from core.passwords import hash_password

    unusable = hash_password("bench-" + str(seed))
    staff_ids = list(range(1, n["staff"] + 1))
    report["staff"] = ins.insert(
        "staff",
        (
            {
                "id": i,
                "login": f"bench{i:03d}",
                "name": office.person(),
                "extension": f"{100 + i}",
                "role": "admin" if i == 1 else "staff",
                "active": 1,
                "password_hash": unusable,
            }
            for i in staff_ids
        ),
    )

    statuses = _codes(connection, "customer_status")
    classes = [_codes(connection, f"customer_class_{x}") for x in "abc"]
    services = _codes(connection, "service_class")
    departments = _codes(connection, "department")
    groups = _codes(connection, "product_group")
    modules_by_group = _children(connection, groups)
    reception_types = _codes(connection, "reception_type")
    routes = _codes(connection, "reception_route")
    large = _codes(connection, "reception_category", top_level_only=True)
    medium_by_large = _children(connection, large)
    small_by_medium = _children(connection, [m for ms in medium_by_large.values() for m in ms])
    payment_methods = _codes(connection, "payment_method")
    payment_forms = _codes(connection, "payment_form")
    positions = _codes(connection, "position")
    card_groups = _codes(connection, "card_group_a")

    # customers (+ partners for 60 %), their phones
    start_day, today = dt.date(2014, 1, 1), office.today
    customer_days = sorted(office.date_between(start_day, today) for _ in range(n["customers"]))
    customers: list[dict] = []
    per_day: dict[dt.date, int] = {}
    partners: list[dict] = []
    for index, day in enumerate(customer_days, start=1):
        per_day[day] = per_day.get(day, 0) + 1
        region = office.region()
        name = office.company()
        has_partner = r.random() < 0.6
        customer = {
            "id": index,
            "code": f"{day:%y%m%d}-{per_day[day]:03d}",
            "registered_on": day,
            "status_id": r.choice(statuses),
            "company_name": name,
            "company_name_chosung": chosung(name),
            "representative": office.person(),
            "business_number": (number := office.business_number()),
            "business_number_reversed": number[::-1],
            "business_type": "서비스",
            "business_item": "소프트웨어",
            "phone": office.office_phone(region[0]),
            "fax": office.landline(region[0]) if r.random() < 0.7 else "",
            "mobile": office.mobile() if r.random() < 0.8 else "",
            "email": f"c{index}@example.co.kr",
            "postal_code": f"{r.randint(1000, 63999):05d}",
            "address": office.address(region),
            "address_detail": f"{r.randint(1, 20)}층",
            "contact_name": office.person(),
            "department_id": r.choice(departments),
            "staff_id": r.choice(staff_ids),
            "contract_date": day if r.random() < 0.5 else None,
            "management_stop_date": office.date_between(day, today) if r.random() < 0.05 else None,
            "class_a_id": r.choice(classes[0]),
            "class_b_id": r.choice(classes[1]),
            "class_c_id": r.choice(classes[2]),
            "service_class_id": r.choice(services),
            "memo": "",
            "partner_id": len(partners) + 1 if has_partner else None,
        }
        if has_partner:
            partners.append(
                {
                    "id": len(partners) + 1,
                    "code": f"P{index:07d}",
                    "name": name,
                    "business_number": customer["business_number"],
                    "representative": customer["representative"],
                    "phone": customer["phone"],
                    "address": customer["address"],
                }
            )
        customers.append(customer)
    report["trading_partner"] = ins.insert("trading_partner", partners)
    report["customer"] = ins.insert("customer", customers)

    def phone_rows() -> Iterator[dict]:
        for c in customers:
            for label, key in (("전화", "phone"), ("팩스", "fax"), ("휴대폰", "mobile")):
                digits = "".join(ch for ch in c[key] if ch.isdigit())
                if digits:
                    yield {
                        "digits": digits,
                        "digits_reversed": digits[::-1],
                        "source": "customer",
                        "label": label,
                        "customer_id": c["id"],
                    }

    report["phone_entry (customers)"] = ins.insert("phone_entry", phone_rows())

    # business cards
    def card_rows() -> Iterator[dict]:
        for index in range(1, n["cards"] + 1):
            linked = r.random() < 0.9
            customer = customers[r.randrange(len(customers))] if linked else None
            day = office.date_between(customer["registered_on"] if customer else start_day, today)
            company, person = customer["company_name"] if customer else office.company(), office.person()
            yield {
                "id": index,
                "customer_id": customer["id"] if customer else None,
                "company_name": company,
                "company_name_chosung": chosung(company),
                "company_address": customer["address"] if customer else "",
                "name": person,
                "name_chosung": chosung(person),
                "employment": "재직" if r.random() < 0.85 else "퇴사",
                "position_id": r.choice(positions),
                "mobile": office.mobile(),
                "direct_phone": (
                    customer["phone"]
                    if customer and r.random() < 0.4
                    else office.internet_phone()
                    if r.random() < 0.3
                    else ""
                ),
                "email": f"p{index}@example.co.kr",
                "group_a_id": r.choice(card_groups) if r.random() < 0.3 else None,
                "registered_on": day,
                "notes": "",
            }

    cards = list(card_rows())
    report["business_card"] = ins.insert("business_card", cards)
    report["phone_entry (cards)"] = ins.insert(
        "phone_entry",
        (
            {
                "digits": d,
                "digits_reversed": d[::-1],
                "source": "card",
                "label": label,
                "customer_id": card["customer_id"],
                "card_id": card["id"],
            }
            for card in cards
            for label, key in (("휴대폰", "mobile"), ("직통", "direct_phone"))
            if (d := "".join(ch for ch in card[key] if ch.isdigit()))
        ),
    )
    del cards

    # receptions over five years; a few customers call much more than others
    weights = [1.0 / (1 + (i % 500)) for i in range(len(customers))]
    reception_start = today - dt.timedelta(days=5 * 365)

    def reception_rows() -> Iterator[dict]:
        chosen = r.choices(range(len(customers)), weights=weights, k=n["receptions"])
        # and one customer with BUSY_CUSTOMER_RECEPTIONS more (at scale 1.0): the timeline's case
        chosen[: round(BUSY_CUSTOMER_RECEPTIONS * scale)] = [0] * round(BUSY_CUSTOMER_RECEPTIONS * scale)
        for index, customer_index in enumerate(chosen, start=1):
            customer = customers[customer_index] if r.random() < 0.92 else None
            received = office.moment(office.date_between(reception_start, today))
            old = (today - received.date()).days > 14
            state = "완료" if old and r.random() < 0.95 else r.choice(["미처리", "보류", "완료"])
            category = r.choice(large)
            medium = r.choice(medium_by_large[category]) if medium_by_large[category] else None
            small = (
                r.choice(small_by_medium.get(medium, [])) if medium and small_by_medium.get(medium) else None
            )
            phone = customer["phone"] if customer else office.landline("02")
            receiver = r.choice(staff_ids)
            yield {
                "id": index,
                "received_at": received,
                "direction": "수신",
                "source": r.choice(["manual", "cti", "centrex"]),
                "phone": phone,
                "phone_digits": "".join(ch for ch in phone if ch.isdigit()),
                "extension": f"{100 + r.randint(1, n['staff'])}",
                "customer_id": customer["id"] if customer else None,
                "contact_name": customer["contact_name"] if customer else office.person(),
                "reception_type_id": r.choice(reception_types),
                "route_id": r.choice(routes),
                "category_large_id": category,
                "category_medium_id": medium,
                "category_small_id": small,
                "state": state,
                "inquiry": office.inquiry(),
                "answer": office.answer() if state == "완료" else "",
                "receiver_id": receiver,
                "processor_id": receiver if state == "완료" else None,
                "processed_at": received + dt.timedelta(hours=r.randint(0, 48)) if state == "완료" else None,
            }

    report["reception"] = ins.insert("reception", reception_rows())

    # products with key locks and modules; contracts with lines
    product_customers = r.sample(range(len(customers)), k=min(len(customers), n["products"]))
    products = []
    for index, customer_index in enumerate(product_customers, start=1):
        customer = customers[customer_index]
        first = office.date_between(customer["registered_on"], today)
        free_end = first + dt.timedelta(days=r.choice([90, 180, 365])) if r.random() < 0.9 else None
        paid_end = (
            (free_end + dt.timedelta(days=365 * r.randint(0, 4))) if free_end and r.random() < 0.6 else None
        )
        products.append(
            {
                "id": index,
                "customer_id": customer["id"],
                "product_group_id": r.choice(groups),
                "licence_number": f"L{index:07d}",
                "first_registered_on": first,
                "free_end_on": free_end,
                "paid_end_on": paid_end,
                "note": "",
            }
        )
    report["customer_product"] = ins.insert("customer_product", products)
    report["key_lock"] = ins.insert(
        "key_lock", ({"product_id": p["id"], "number": f"NZ{p['id']:07d}"} for p in products)
    )
    product_modules = [
        {"product_id": p["id"], "module_id": m, "user_count": r.randint(1, 30)}
        for p in products
        for m in r.sample(
            modules_by_group[p["product_group_id"]],
            k=min(len(modules_by_group[p["product_group_id"]]), r.randint(1, 3)),
        )
    ]
    report["product_module"] = ins.insert("product_module", product_modules)

    contract_products = r.sample(products, k=min(len(products), n["contracts"]))
    contracts, lines = [], []
    for index, product in enumerate(contract_products, start=1):
        start = product["paid_end_on"] or product["free_end_on"] or today
        end = start + dt.timedelta(days=365)
        state = r.choices(["계약", "발송전", "보류"], weights=[70, 20, 10])[0]
        amount = r.randint(5, 60) * 100_000
        fee = r.choice([0, 0, 0, 100_000])
        contracts.append(
            {
                "id": index,
                "customer_id": product["customer_id"],
                "product_id": product["id"],
                "product_group_id": product["product_group_id"],
                "state": state,
                "contract_date": start,
                "start_on": start,
                "end_on": end,
                "contract_type": r.choice(["신규", "재계약"]),
                "payment_method_id": r.choice(payment_methods),
                "payment_form_id": r.choice(payment_forms),
                "settlement_month": f"{start:%Y-%m}",
                "retroactive_fee": fee,
                "total_amount": amount + fee,
                "sales_staff_id": r.choice(staff_ids),
                "note": "",
            }
        )
        lines.append(
            {
                "contract_id": index,
                "seq": 1,
                "module_id": r.choice(modules_by_group[product["product_group_id"]]),
                "user_count": r.randint(1, 30),
                "amount": amount,
                "pc_count": 1,
                "key_lock_number": f"NZ{product['id']:07d}",
                "note": "",
            }
        )
    report["maintenance_contract"] = ins.insert("maintenance_contract", contracts)
    report["maintenance_line"] = ins.insert("maintenance_line", lines)
    del products, contracts, lines

    # items, quotes and lines
    items = [
        {
            "id": i,
            "code": f"{1000 + i}",
            "name": f"{r.choice(ITEM_NAMES)} {i}",
            "spec": f"{r.randint(1, 20)}유저",
            "unit": "식",
            "unit_price": r.randint(1, 100) * 50_000,
            "taxable": 1,
            "active": 1,
        }
        for i in range(1, n["items"] + 1)
    ]
    report["item"] = ins.insert("item", items)
    quote_start = today - dt.timedelta(days=4 * 365)
    quote_days = sorted(office.date_between(quote_start, today) for _ in range(n["quotes"]))
    per_day = {}
    quotes, quote_lines = [], []
    line_counts = _line_counts(r, n["quotes"], n["quote_lines"])
    for index, day in enumerate(quote_days, start=1):
        per_day[day] = per_day.get(day, 0) + 1
        customer = customers[r.randrange(len(customers))]
        supply_total = vat_total = 0
        for seq in range(1, line_counts[index - 1] + 1):
            item = items[r.randrange(len(items))]
            quantity = r.randint(1, 5)
            supply = quantity * item["unit_price"]
            vat = supply // 10
            supply_total += supply
            vat_total += vat
            quote_lines.append(
                {
                    "quote_id": index,
                    "seq": seq,
                    "item_code": item["code"],
                    "name": item["name"],
                    "spec": item["spec"],
                    "unit": item["unit"],
                    "quantity": quantity,
                    "unit_price": item["unit_price"],
                    "supply_amount": supply,
                    "vat_amount": vat,
                    "total_amount": supply + vat,
                    "taxable": 1,
                    "item_id": item["id"],
                }
            )
        quotes.append(
            {
                "id": index,
                "number": f"{day:%y%m%d}00-{per_day[day]}",  # 견적번호 YYMMDDNN-S (services.quotes)
                "quote_date": day,
                "valid_until": day + dt.timedelta(days=30),
                "customer_id": customer["id"],
                "partner_id": customer["partner_id"],
                "title": f"{customer['company_name']} 견적",
                "state": r.choices(["견적진행", "신청완료", "견적취소"], weights=[50, 40, 10])[0],
                "staff_id": r.choice(staff_ids),
                "contact_name": customer["contact_name"],
                "phone": customer["phone"],
                "supply_total": supply_total,
                "vat_total": vat_total,
                "total_amount": supply_total + vat_total,
                "payment_terms": "계약 시 50%, 설치 후 50%",
                "delivery_terms": "발주 후 2주",
                "remarks": "",
            }
        )
    report["quote"] = ins.insert("quote", quotes)
    report["quote_line"] = ins.insert("quote_line", quote_lines)
    del quote_lines

    # sales: shipments and receipts for partners, so credit balances are real
    with_partner = [c for c in customers if c["partner_id"]]
    report["shipment"] = ins.insert(
        "shipment",
        (
            {
                "number": f"S{i:08d}",
                "shipped_on": office.date_between(quote_start, today),
                "partner_id": c["partner_id"],
                "customer_id": c["id"],
                "supply_total": (amount := r.randint(1, 50) * 100_000),
                "vat_total": amount // 10,
                "total_amount": amount + amount // 10,
                "memo": "",
            }
            for i in range(1, n["shipments"] + 1)
            for c in [with_partner[r.randrange(len(with_partner))]]
        ),
    )
    report["receipt"] = ins.insert(
        "receipt",
        (
            {
                "partner_id": with_partner[r.randrange(len(with_partner))]["partner_id"],
                "received_on": office.date_between(quote_start, today),
                "amount": r.randint(1, 40) * 100_000,
                "memo": "",
            }
            for _ in range(n["receipts"])
        ),
    )

    # visit reports
    report["visit_report"] = ins.insert(
        "visit_report",
        (
            {
                "customer_id": (c := customers[r.randrange(len(customers))])["id"],
                "written_on": (day := office.date_between(quote_start, today)),
                "document_number": f"V{i:08d}",
                "visit_date": day + dt.timedelta(days=r.randint(0, 14)),
                "visit_time": f"{r.randint(9, 17):02d}:00",
                "visitor_id": r.choice(staff_ids),
                "purpose": r.choice(SYMPTOMS),
                "state": r.choice(["계획", "완료", "취소", "보류"]),
                "body_html": f"<p>{c['company_name']} 방문 상담</p><ul><li>{r.choice(ANSWERS)}</li></ul>",
            }
            for i in range(1, n["visits"] + 1)
        ),
    )
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    inserted = time.perf_counter() - started
    # the remaining migrations; no ANALYZE of our own: the planner statistics are the ones the app
    # keeps itself (core.db.migrate)
    from core.db import migrate

    asyncio.run(migrate(f"sqlite://{path}"))
    # calls after the migrations: their 통화내역 columns (0010) come after the generator's base schema
    report["call_event"] = _insert_calls(path, office, customers, staff_ids, n["calls"], today)
    print(f"rows inserted in {inserted:.1f} s, migrated in {time.perf_counter() - started - inserted:.1f} s")
    elapsed = time.perf_counter() - started
    for table, rows in report.items():
        print(f"{table:28s} {rows:>10,}")
    print(f"generated {path} (scale {scale}) in {elapsed:.1f} s")
    return report
