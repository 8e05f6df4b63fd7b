"""Outgoing webhooks: signed events, their delivery and the network guard they go through."""
