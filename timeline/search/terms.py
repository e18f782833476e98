"""What a reader typed, as the database's full-text search and the plain fallback read it."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery

CONFIG = "english"  # must match migration 0003
MAX_WORDS = 10


@dataclass(frozen=True)
class Terms:
    """What a reader typed: the text for websearch_to_tsquery, the words for the fallback."""

    text: str

    @property
    def words(self):
        words = []
        for word in self.text.split():
            word = word.strip("\"'()").lstrip("-+")
            if word and word.lower() not in (w.lower() for w in words):
                words.append(word)
        return words[:MAX_WORDS]

    @property
    def query(self):
        return SearchQuery(self.text, config=CONFIG, search_type="websearch")

    def __bool__(self):
        return bool(self.words)
