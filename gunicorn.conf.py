"""gunicorn settings read when it is started from the project folder (`gunicorn samsyn.wsgi`).

Each worker starts the chart runtime before it accepts requests, so the first PDF after a
start is as fast as the next (see samsyn/dashboards/warmup.py). The application is loaded once
in the parent before the fork (`preload_app`), so `samsyn.wsgi`'s report preload runs once and
the workers share it, as warmup.py describes."""

preload_app = True


def post_worker_init(worker):
    from samsyn.dashboards.warmup import warm_charts

    warm_charts()
