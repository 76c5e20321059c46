"""Eligibility: evaluate the programs' rules (data in content/) over facts about a person."""
