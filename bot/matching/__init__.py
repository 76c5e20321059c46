"""Matching: local offers a person can join, ranked with reasons; referrals to coaches."""
