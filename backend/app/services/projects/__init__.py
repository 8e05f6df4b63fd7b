"""Projects: a series a creator runs (topic, audience, voice, platforms, brand kit) and
the defaults every submit naming it starts from."""
