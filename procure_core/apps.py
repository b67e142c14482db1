from django.apps import AppConfig


class ProcureCoreConfig(AppConfig):
    name = "procure_core"
    verbose_name = "ProcureCore"

    def ready(self) -> None:
        from procure_core import checks  # noqa: F401  (registers the deploy checks)
