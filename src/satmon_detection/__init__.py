"""Detection domain: SMAP data access, windows, scoring rules and evaluation. numpy only."""
