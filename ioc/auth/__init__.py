"""Who may see and do what: accounts, sessions, roles and unit scope."""
