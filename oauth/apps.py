from django.apps import AppConfig


class OauthConfig(AppConfig):
    name = "oauth"
    verbose_name = "OAuth 2.0"

    def ready(self) -> None:
        from oauth import signals, state  # noqa: F401  (signal receivers)
