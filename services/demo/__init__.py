"""`python main.py seed-demo`: the manual's example office, for trying the product out.

Each feature adds a step module here; steps run in order and skip data that already exists, so
seeding twice changes nothing."""

from __future__ import annotations

from services.demo import company as company_step
from services.demo import customers as customers_step
from services.demo import maintenance as maintenance_step
from services.demo import quotes as quotes_step
from services.demo import receptions as receptions_step
from services.demo import staff as staff_step
from services.demo import visits as visits_step

# order matters: later steps look up what earlier ones created
STEPS = [
    company_step,
    staff_step,
    customers_step,
    receptions_step,
    maintenance_step,
    visits_step,
    quotes_step,
]


async def seed_demo() -> list[str]:
    """Run every step; returns one line per step for the console."""
    report = []
    for step in STEPS:
        report.append(await step.seed())
    return report
