"""python manage.py export_audit [--since ISO] [--until ISO] [--event NAME]: JSON lines on stdout."""
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Export the audit log as JSON lines (oldest first)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="ISO 8601 datetime, inclusive")
        parser.add_argument("--until", help="ISO 8601 datetime, exclusive")
        parser.add_argument("--event", help="only this event name (e.g. login.failed)")

    def handle(self, *args, **options):
        events = AuditEvent.objects.order_by("created_at", "id")
        for option, lookup in (("since", "created_at__gte"), ("until", "created_at__lt")):
            if options[option]:
                moment = parse_datetime(options[option])
                if moment is None:
                    raise CommandError(f"--{option} is not an ISO 8601 datetime: {options[option]!r}")
                events = events.filter(**{lookup: moment})
        if options["event"]:
            events = events.filter(event=options["event"])
        for event in events.iterator(chunk_size=2000):
            self.stdout.write(json.dumps(event.as_json(), sort_keys=True))
