"""Lotse: a multilingual Telegram assistant for people who support young adult refugees in NRW."""

__version__ = "0.1.0"
