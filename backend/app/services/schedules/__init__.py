"""Schedules: users' cron schedules, the tick that fires them and what one run does."""
