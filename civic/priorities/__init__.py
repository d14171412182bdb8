"""Neighbourhood police priorities: residents vote, the policing team reports back."""
