"""Models of samsyn.coaching."""
