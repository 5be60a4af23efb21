"""Models of samsyn.triads."""
