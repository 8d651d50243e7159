"""HTTP shapes of the gateway: what it accepts and answers. Rules beyond shape live in the services."""
