"""manage.py issuer_key_rotate <organisation code>: retire the issuer's signing key and make a new one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certification.verify.keys import issuer_by_code, issuer_key_rotate


class Command(BaseCommand):
    help = "Retire a certificate issuer's active signing key and create a new one; old keys stay published."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation_code", help="The issuing bureau's organisation code, e.g. 990101")

    def handle(self, *args: Any, **options: Any) -> None:
        issuer = issuer_by_code(organisation_code=options["organisation_code"])
        if issuer is None:
            raise CommandError(f"No certificate issuer for organisation code {options['organisation_code']!r}.")
        key = issuer_key_rotate(issuer=issuer)
        self.stdout.write(self.style.SUCCESS(f"{issuer.name}: new signing key {key.key_id}; earlier keys retired and still published."))
