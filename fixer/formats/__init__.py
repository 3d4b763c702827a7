"""What the engine produced, rendered: findings as text, JSON, SARIF or GitHub annotations,
unified diffs, the markdown report."""
