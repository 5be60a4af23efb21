"""Models of samsyn.improvement."""
