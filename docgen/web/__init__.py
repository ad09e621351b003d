"""The public verification page (``docgen serve``): a caller of the register, read-only."""
