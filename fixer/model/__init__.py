"""The model every rule reads: stacks, services, built and app services, listen ports, the rule API."""
