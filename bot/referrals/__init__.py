"""Referrals: a person, by client code, to the coach of an offer; states, places, history."""
