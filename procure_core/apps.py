from django.apps import AppConfig


class ProcureCoreConfig(AppConfig):
    name = "procure_core"
    verbose_name = "ProcureCore"
