"""A multilingual lexicon of the field: concepts and the words people use for them.

The data are the YAML files beside this module (schema in README.md). Each file holds
`concepts:`, a list of mappings with an `id`, an optional `about`, and per language (de en ar
fa uk ru tr fr, where known ps ku ti so) a list of words and phrases: the standard term,
everyday and colloquial words, common misspellings, German loanwords in that language's script.

The answering engine puts a token per concept beside the words of every FAQ text that names it,
and adds the concepts a question names to its words, weighed below a literal match: so "ich bin
krank, wer bezahlt den Arzt" finds an entry that says "Krankenversicherung", and "دولدونغ" one
that says "Duldung".
"""

from bot.answers.lexicon.matching import (
    MARK,
    ConceptMatcher,
    Found,
    Reading,
    concepts_of,
    matcher,
    stand_in,
    token,
)
from bot.answers.lexicon.schema import (
    EMPTY,
    LANGUAGES,
    Concept,
    Lexicon,
    LexiconError,
    build,
    load_lexicon,
    shipped_lexicon,
)

__all__ = [
    "EMPTY",
    "LANGUAGES",
    "MARK",
    "Concept",
    "ConceptMatcher",
    "Found",
    "Lexicon",
    "LexiconError",
    "Reading",
    "build",
    "concepts_of",
    "load_lexicon",
    "matcher",
    "shipped_lexicon",
    "stand_in",
    "token",
]
