"""Pure inspection rules: facts and a check time in, findings out.

Nothing here fetches, queries or schedules. ``rules.model`` is the shared vocabulary of
the whole project (targets, items, outcomes, facts, findings); the other packages import it.
"""
