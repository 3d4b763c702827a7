"""Python dependencies: what a service declares or its image installs, what it needs to start."""
