"""Publishing: signed outgoing webhooks and the network guard they go through."""
