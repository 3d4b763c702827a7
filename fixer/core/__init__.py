"""The ground floor: the tree of files, text round trips, edits, errors, configuration."""
