"""Models of samsyn.privacy."""
