"""Models of samsyn.integrations."""
