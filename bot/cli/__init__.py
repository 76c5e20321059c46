"""The command line's pieces; `python -m bot` (bot/__main__.py) puts them together."""
