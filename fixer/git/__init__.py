"""Git: a commit as the tree to fix, one commit per fix on a branch, the push, the PR body."""
