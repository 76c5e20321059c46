"""Privacy: what Lotse stores about a person, their copy of it, its erasure, and how long
anything is kept (GDPR Art. 5, 13, 15, 17, 25)."""
