"""Community panels: meetings, votes and decisions on the record."""
