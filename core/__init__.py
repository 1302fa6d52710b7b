"""Cross-cutting building blocks: settings, database, auth, audit, Korean text helpers."""
