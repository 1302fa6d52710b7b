"""Use cases: queries, workflows, statistics, imports/exports. No UI imports here."""
