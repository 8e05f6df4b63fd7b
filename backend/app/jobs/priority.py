"""The API's 0-10 priority scale (10 most urgent) mapped onto the broker, in one place.

Kombu's Redis transport keeps one list per priority step and pops the lowest step first,
so 0 is the most urgent there: https://docs.celeryq.dev/en/stable/userguide/routing.html
"""

from __future__ import annotations

API_MIN, API_MAX = 0, 10
# Ten Redis steps (0..9) for eleven API levels: one pair must share a list. The two lowest
# (0 and 1, both step 9) do: "whenever there is time" and "after everything else" are the
# same promise, while an urgent 10 must overtake a 9 (tests/tasks/test_priority.py).
REDIS_PRIORITY_STEPS = list(range(10))


def to_broker(priority: int) -> int:
    """Map an API priority (0 low .. 10 urgent) onto a Redis priority step (0 urgent .. 9):
    10 -> 0, 9 -> 1, ... 2 -> 8, and 1 and 0 -> 9."""
    if not API_MIN <= priority <= API_MAX:
        raise ValueError(f"priority must be between {API_MIN} and {API_MAX}")
    return min(API_MAX - priority, REDIS_PRIORITY_STEPS[-1])
