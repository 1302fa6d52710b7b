"""`python main.py seed-demo`: the manual's example office, for trying the product out.

Each feature adds a step module here; steps run in order and skip data that already exists, so
seeding twice changes nothing."""

from __future__ import annotations

from services.demo import quotes as quotes_step
from services.demo import staff as staff_step

STEPS = [staff_step]
STEPS.append(quotes_step)  # keep after the customers step: the quotes need its customers


async def seed_demo() -> list[str]:
    """Run every step; returns one line per step for the console."""
    report = []
    for step in STEPS:
        report.append(await step.seed())
    return report
