"""Responses and accountability: one published, versioned, rated answer for every kind of ask.

Features plug in through `civic.responses.queries_targets`: each registers a target kind (a petition, a police
priority round, a youth budget result, a panel decision, ...) that says what the target is called,
who is responsible, when its response is due, and who asked to hear about it.
"""
