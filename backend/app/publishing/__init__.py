"""Publishing to social platforms: one adapter per platform behind `Publisher`
(base.py), their registry (platforms.py), the HTTP rules they share (calls.py, oauth.py,
chunks.py, pkce.py) and the encryption of stored tokens (tokens.py). Pure domain code:
no FastAPI, no Celery, no database."""
