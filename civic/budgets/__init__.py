"""Youth budgets: young people propose projects and vote, with one-time codes, on how to spend a fixed budget."""
