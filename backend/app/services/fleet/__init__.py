"""Operating the fleet: statistics, health, recovery of stuck and dead jobs, the canary."""
