"""gunicorn settings read when it is started from the project folder (`gunicorn samsyn.wsgi`).

Each worker starts the chart runtime before it accepts requests, so the first PDF after a
start is as fast as the next (see samsyn/dashboards/warmup.py)."""


def post_worker_init(worker):
    from samsyn.dashboards.warmup import warm_charts

    warm_charts()
