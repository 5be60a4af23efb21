import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
application = get_wsgi_application()

# The PDF libraries load with the application, not on the first report (fork-safe); not under
# DEBUG, so that the development server restarts quickly after each edit.
from django.conf import settings  # noqa: E402

if not settings.DEBUG:
    from samsyn.dashboards.warmup import preload

    preload()
