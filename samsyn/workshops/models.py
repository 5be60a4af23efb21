"""Models of samsyn.workshops."""
