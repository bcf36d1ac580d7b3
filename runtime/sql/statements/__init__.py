"""SQL statements that are not queries and need the engine's own state (session variables)."""
