"""A service's image: base image, system package installs, CMD form, Dockerfile and build paths."""
