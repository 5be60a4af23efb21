"""Models of samsyn.networks."""
