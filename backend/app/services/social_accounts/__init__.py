"""Connected social accounts: starting and finishing OAuth authorizations (authorize.py),
the accounts themselves (accounts.py), their sealed tokens (tokens.py) and which
platforms this server offers (platforms.py)."""
