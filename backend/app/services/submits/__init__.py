"""Submits: what a request becomes (jobs, videos, single steps, batches), admitted under
the owner's quotas and published after commit."""
