"""Models of samsyn.dashboards."""
