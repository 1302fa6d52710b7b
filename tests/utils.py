"""Small helpers shared by tests: signing in, reading the simulated browser, waiting for a
condition, fetching a previewed PDF. The factories are in tests.factories."""

from __future__ import annotations

import asyncio
import base64
import inspect
import json

from nicegui import storage
from nicegui.testing import User

from tests.factories.staff import PASSWORD


async def sign_in(user: User, login: str, password: str = PASSWORD, *, retries: int = 50) -> None:
    """Sign in through the real login page.

    NiceGUI's simulation has one ui.navigate for all simulated browsers, and it belongs to whichever
    browser last had an attribute read (every update sent to a signed-in browser reads one). So the
    redirect after signing in, which hands the new session to this browser through a one-time code
    (pages.login), may go to another browser, where the code is refused. When the redirect has not
    arrived a second after the code was made, this browser follows its own code (well before it
    expires); if the redirect did arrive meanwhile, the code is spent and /login sends a signed-in
    browser on to its page, so either way ends signed in."""
    from pages import login as login_page

    await user.open("/login?next=/")  # to 고객관리, where most tests start (signing in leads to 오늘)
    # The simulation runs a click's handlers in the test's own context, whose request is the last
    # one set there (after an earlier sign-in: another browser's page); a real browser's handlers run
    # with their page's request. Give the test this page's request, now and once signed in.
    storage.request_contextvar.set(user.client.request)
    user.find("login").type(login)
    user.find("password").type(password)
    user.find("login-button").click()
    browser = browser_id(user)
    pending = 0  # tenths of a second this browser's code has waited for the redirect
    for _ in range(retries):
        if browser_id(user) != browser:
            break  # the redirect came: signing in gave this browser a new id
        code = next((code for code, w in login_page._hand_overs.items() if w.browser_id == browser), None)
        if code is not None:
            pending += 1
            if pending == 10:
                await user.open(f"{login_page.COMPLETE_PATH}?code={code}")
                break
        await asyncio.sleep(0.1)
    await user.should_see(marker="signed-in-name", retries=retries)
    storage.request_contextvar.set(user.client.request)


def session_token(user: User) -> str | None:
    """The session token the simulated browser holds (its user storage under its browser id)."""
    from nicegui import app

    from pages.frame import SESSION_KEY

    return app.storage._users[browser_id(user)].get(SESSION_KEY)


def browser_id(user: User) -> str:
    """The browser id in the simulated browser's signed session cookie."""
    payload = user.http_client.cookies["session"].split(".")[0]
    return json.loads(base64.b64decode(payload + "=="))["id"]


def shown_values(user: User, marker: str) -> list:
    """The values of the elements with `marker` on the page now ([] while there are none, e.g.
    between a dialog closing and the next one opening)."""
    try:
        return [element.value for element in user.find(marker).elements]
    except AssertionError:
        return []


async def eventually(predicate, within: float = 20.0, interval: float = 0.02):
    """Wait until `predicate()` is truthy (event handlers run as background tasks); returns it."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = predicate()
        if inspect.isawaitable(result):  # a coroutine, or a query such as `.exists()`
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


async def previewed_pdf(user: User, title: str | None = None, *, within: float = 60.0) -> bytes:
    """The PDF that 인쇄 put in the print preview (titled `title`), fetched from the preview's own
    frame as the browser's viewer fetches it; the preview is then closed with 닫기. Fails if no
    preview opens (e.g. because the PDF was pushed as a download instead)."""
    frames = await eventually(lambda: _elements(user, "pdf-frame"), within=within)
    assert len(frames) == 1, "one print preview at a time"
    if title is not None:
        await user.should_see(title)
    response = await user.http_client.get(frames[0].props["src"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    user.find("pdf-close").click()
    await eventually(lambda: not _elements(user, "pdf-frame"))
    return response.content


def _elements(user: User, marker: str) -> list:
    try:
        return list(user.find(marker).elements)
    except AssertionError:
        return []
