"""Background components (CTI reader, Centrex poller, scheduled backups) started once the database
is ready and stopped at shutdown, in registration order (stopped in reverse)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
_components: dict[str, tuple[Hook, Hook]] = {}


def register_background(name: str, start: Hook, stop: Hook) -> None:
    _components[name] = (start, stop)


async def start_background() -> None:
    for name, (start, _) in _components.items():
        try:
            await start()
        except Exception:
            log.exception("background component %s failed to start", name)


async def stop_background() -> None:
    for name, (_, stop) in reversed(_components.items()):
        try:
            await stop()
        except Exception:
            log.exception("background component %s failed to stop", name)


def watch(task: asyncio.Task, component: str) -> asyncio.Task:
    """Log, with the component's name and the traceback, a background task that ends with an
    error (asyncio would only mention it when the task is garbage-collected, if at all)."""

    def finished(done: asyncio.Task) -> None:
        if not done.cancelled() and (error := done.exception()) is not None:
            log.error("background component %s stopped: %s", component, error, exc_info=error)

    task.add_done_callback(finished)
    return task
