"""`manage.py set_application_scopes CLIENT_ID "read:suppliers write:contracts" [--can-introspect]`:
the command-line twin of the admin's application policy, for applications made with createapplication."""
from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.models import get_application_model

from oauth.models import ApplicationPolicy
from procure_core import scopes as scope_registry


class Command(BaseCommand):
    help = "Set the scopes an OAuth application may be granted (replaces the previous set)."

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("scopes", help='Space-separated scope names, e.g. "read:suppliers write:contracts".')
        parser.add_argument("--can-introspect", action="store_true",
                            help="A resource server: may introspect tokens issued to any application.")

    def handle(self, client_id, scopes, can_introspect, **options):
        application = get_application_model().objects.filter(client_id=client_id).first()
        if application is None:
            raise CommandError(f"No application with client_id {client_id!r}.")
        try:
            names = scope_registry.ordered(scope_registry.parse(scopes))
        except scope_registry.UnknownScope as error:
            raise CommandError(str(error)) from error
        ApplicationPolicy.objects.update_or_create(
            application=application, defaults={"allowed_scopes": names, "can_introspect": can_introspect}
        )
        self.stdout.write(self.style.SUCCESS(f"{application}: {' '.join(names) or '(no scopes)'}"))
