"""Pure statistics for Samsyn.

Everything in this package works on plain arrays and returns frozen dataclasses that carry an
estimate *and* its uncertainty. Nothing here imports Django (a test enforces it), so the same
code serves the web app, background tasks, benchmarks and notebooks.
"""
