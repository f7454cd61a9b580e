"""People: accounts, administration, passwords, reset links, two-factor, sign-in throttling,
personal data; the `flask users` commands."""
