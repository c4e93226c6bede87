"""Build the small demo province with one account per role (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lms.synthetic.demo import DEMO_PASSWORD, accounts_table, seed_demo


class Command(BaseCommand):
    help = (
        "Build the demo province 示范省 (990000): 3 cities, 6 counties, 24 schools, 2 training institutions, "
        "~300 teachers and one account per role (password Demo-Passw0rd!). Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo()
        self.stdout.write(
            f"Demo province ready: {result.created_organisations} organisations, "
            f"{result.created_teachers} teachers, {result.created_users} accounts created "
            "(0 everywhere means it was already there)."
        )
        self.stdout.write(f"\nDemo accounts (password {DEMO_PASSWORD}):")
        for line in accounts_table(result.accounts):
            self.stdout.write("  " + line)
