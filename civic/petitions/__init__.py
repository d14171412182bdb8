"""Petitions: residents create and sign; the council moderates, responds and debates."""
