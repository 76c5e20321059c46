"""Telegram plumbing shared by all slices: context, rendering, keyboards, errors, transport."""
