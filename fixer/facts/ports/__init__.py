"""Ports: what a container command launches, the port the app listens on, what compose claims."""
