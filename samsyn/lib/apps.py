from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "samsyn.lib"

    def ready(self) -> None:
        from samsyn.lib import text

        text.install()
