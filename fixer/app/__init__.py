"""Use cases between the command line and the engine: settings, rule selection, applying
fixes, branch mode, the report, the probe."""
