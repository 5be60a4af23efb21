import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
application = get_wsgi_application()

# The PDF libraries load with the application, not on the first report (fork-safe).
from samsyn.dashboards.warmup import preload  # noqa: E402

preload()
