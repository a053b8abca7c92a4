"""manage.py assess: JSON in on stdin, JSON out on stdout (the API's contract).

Exit 0 with the result(s); exit 2 with the error body on stderr and nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.core.models import Firm
from sweetspot.growth import contract
from sweetspot.growth.services import qualification_settings


class Command(BaseCommand):
    help = "Assess one prospect (JSON object) or several (JSON array) read from stdin."

    def handle(self, *args: Any, **options: Any) -> None:
        text = sys.stdin.read()
        try:
            parsed = contract.parse_text(text)
        except contract.ContractError as exc:
            sys.stderr.write(json.dumps(exc.body, indent=2) + "\n")
            sys.exit(2)
        result = contract.run(parsed, qualification_settings(Firm.current()))
        self.stdout.write(json.dumps(result, indent=2))
