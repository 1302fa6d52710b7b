"""Fifty people at once: each signed in through the real login page in a simulated browser
(NiceGUI's user simulation, the real pages and services on one server), searching customers,
editing their own customer and writing receptions, for a while. No error is logged, every action
finishes, and every acknowledged write (저장했습니다 / the form showing 접수 #id) is in the database.

    GOGAEK_LOAD_SECONDS=120 python -m pytest tests/pages/test_load.py    # the full 2 minutes

CI runs it for GOGAEK_LOAD_SECONDS (default 30 s); GOGAEK_LOAD_USERS changes the crowd (50)."""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing import User

from models.customer import Customer
from models.reception import Reception
from services import customers
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.alone]  # fifty people: the machine to itself

SECONDS = float(os.environ.get("GOGAEK_LOAD_SECONDS", "30"))
USERS = int(os.environ.get("GOGAEK_LOAD_USERS", "50"))
SEARCHABLE = 20
WAIT = 60.0  # one action on a crowded two-core machine


class Notices:
    """ui.notify for every simulated browser at once, kept per browser tab (NiceGUI's simulation
    would hand each message to whichever user was touched last)."""

    def __init__(self) -> None:
        self.by_client: dict[str, list[str]] = defaultdict(list)

    def __call__(self, message, **kwargs) -> None:
        self.by_client[ui.context.client.id].append(str(message))

    def contains(self, needle) -> bool:
        messages = (m for by_client in self.by_client.values() for m in by_client)
        return isinstance(needle, str) and any(needle in m for m in messages)


@dataclass
class Person:
    login: str
    browser: User
    customer_id: int
    rng: random.Random
    memo: str = ""  # the last memo the server acknowledged
    receptions: list[str] = field(default_factory=list)  # acknowledged inquiries
    done: Counter = field(default_factory=Counter)


async def sign_in_patiently(browser: User, login: str) -> None:
    """tests.utils.sign_in, waiting longer for a crowded machine (and telling why not)."""
    try:
        await sign_in(browser, login, retries=int(WAIT * 10))
    except AssertionError as error:  # say what the server was still busy with
        pending = sorted({task.get_name() for task in asyncio.all_tasks() if not task.done()})
        raise AssertionError(
            f"{login} is not signed in after {WAIT:.0f} s; pending tasks: {pending}"
        ) from error


def browser(notices: Notices) -> User:
    person = User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))
    person.notify = notices
    return person


async def search(person: Person, names: list[str]) -> None:
    b = person.browser
    await b.open("/")
    await b.should_see(marker="customers-table", retries=int(WAIT * 10))
    table = b.find("customers-table").elements.pop()
    wanted = person.rng.choice(names)
    b.find("filter-company").clear().type(wanted)
    b.find("customers-search").click()
    await eventually(lambda: [row["company_name"] for row in table.rows] == [wanted], within=WAIT)


async def edit(person: Person, notices: Notices) -> None:
    b = person.browser
    client = await b.open(f"/customers/{person.customer_id}")
    await b.should_see(marker="customer-memo", retries=int(WAIT * 10))
    memo = f"{person.login} 메모 {person.done['edit'] + 1}"
    b.find("customer-memo").clear().type(memo)
    b.find("customer-save").click()
    await eventually(lambda: "저장했습니다." in notices.by_client[client.id], within=WAIT)
    person.memo = memo


async def reception(person: Person) -> None:
    b = person.browser
    await b.open("/")
    await b.should_see(marker="log-add", retries=int(WAIT * 10))
    b.find("log-add").click()
    await b.should_see(marker="reception-inquiry", retries=int(WAIT * 10))
    inquiry = f"부하시험 {person.login} #{person.done['reception'] + 1}"
    b.find("reception-phone").type("02-808-8016")
    b.find("reception-inquiry").type(inquiry)
    b.find("reception-save").click()
    title = b.find("reception-title").elements.pop()
    await eventually(lambda: title.text.startswith("접수 #"), within=WAIT)
    person.receptions.append(inquiry)
    b.find("reception-close").click()


async def work(person: Person, notices: Notices, names: list[str], until: float) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        action = person.rng.choice(["search", "search", "edit", "reception"])
        if action == "search":
            await search(person, names)
        elif action == "edit":
            await edit(person, notices)
        else:
            await reception(person)
        person.done[action] += 1


async def test_fifty_people_search_edit_and_write_receptions(user: User):
    notices = Notices()
    user.notify = notices
    boss = await make_admin(login="boss")
    names = []
    for index in range(SEARCHABLE):
        saved = await customers.save_customer(
            customers.CustomerInput(company_name=f"검색상사{index:02d}", registered_on="2016-09-21"), by=boss
        )
        names.append(saved.company_name)
    people = []
    for index in range(USERS):
        own = await customers.save_customer(
            customers.CustomerInput(company_name=f"담당고객{index:02d}", registered_on="2016-09-21"), by=boss
        )
        login = f"load{index:02d}"
        people.append(Person(login, user if index == 0 else browser(notices), own.id, random.Random(index)))
    # accounts side by side (password hashing runs in worker threads); sign-ins one by one, since
    # the simulation has one ui.navigate for all browsers and signing in navigates
    await asyncio.gather(*(make_staff(login=p.login, name=f"사원 {p.login}") for p in people))
    for person in people:
        await sign_in_patiently(person.browser, person.login)

    until = asyncio.get_running_loop().time() + SECONDS
    outcomes = await asyncio.gather(*(work(p, notices, names, until) for p in people), return_exceptions=True)

    failures = [f"{p.login}: {type(o).__name__}: {o}" for p, o in zip(people, outcomes, strict=True) if o]
    assert failures == []
    totals = sum((p.done for p in people), Counter())
    assert totals["search"] and totals["edit"] and totals["reception"], totals
    for person in people:  # no lost write: the last acknowledged memo is the stored one
        assert (await Customer.get(id=person.customer_id)).memo == person.memo, person.login
    acknowledged = sorted(inquiry for p in people for inquiry in p.receptions)
    stored = await Reception.filter(inquiry__startswith="부하시험").values_list("inquiry", flat=True)
    assert sorted(stored) == acknowledged
    for person in people[1:]:
        await person.browser.http_client.aclose()
