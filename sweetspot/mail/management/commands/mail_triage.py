"""manage.py mail_triage --scenario FILE MESSAGE.eml

Triages one message file against a JSON scenario (``sweetspot.mail.scenario``) without the
database and prints the decision as JSON: ``{"action", "reason", "ticket", "company",
"contact", "new_contact_email", "title", "body", "priority_hint", "attachments": [{"filename",
"size", "accepted"}], "acknowledge"}`` (every key always present).
Bad input - a bad scenario, an unreadable, empty or NUL-holding message file, or one with no
header line before its first blank line: exit 2 with a message naming the problem on stderr,
nothing on stdout. Any other malformed message is triaged (quarantine at worst).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from sweetspot.mail import parse, scenario, triage


class Command(BaseCommand):
    help = "Triage one .eml file against a JSON scenario and print the decision (no database)."
    requires_system_checks: list[str] = []  # no database, nothing to check

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scenario", metavar="FILE", required=True, help="Scenario JSON.")
        parser.add_argument("message", metavar="MESSAGE.eml", help="The raw message file.")

    def _fail(self, text: str) -> NoReturn:
        sys.stderr.write(f"{text}\n")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["scenario"]
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._fail(f"(file): cannot read {path}: {exc}")
        try:
            snapshot = scenario.parse(text)
        except scenario.ScenarioError as exc:
            self._fail(str(exc))
        message_path = options["message"]
        try:
            raw = Path(message_path).read_bytes()
        except OSError as exc:
            self._fail(f"message: cannot read {message_path}: {exc}")
        try:
            scenario.check_message(raw)
        except scenario.ScenarioError as exc:
            self._fail(str(exc))
        decision = triage.triage(parse.parse(raw), snapshot)
        self.stdout.write(json.dumps(decision.to_json(), indent=2))
