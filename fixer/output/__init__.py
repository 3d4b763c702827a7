"""Where results go: a diff, the working tree, a git branch, a report."""
