"""Access control without a broker or database: passwords, tokens, lockout, roles, areas, masking."""
