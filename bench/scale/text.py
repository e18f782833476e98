"""
Generated prose for the scale dataset: sentences drawn from a fixed pool, from a seeded random
generator, so the same seed always writes the same words.
"""

import re

WORDS = """
about above across act action after again against age agency agreed aid air alarm all
already also among announced answer appeal area army arrived asked attack authorities
autumn away back bank based became before began behind believed below bill board boat
body border bridge brief brought budget building called came camp capital cars case
cause ceasefire centre chair change charges children church citizens city civil claims
closed coast cold commission committee community company court crew crisis crowd damage
day days death decision declared defence delegates described despite disaster discovered
district doctors down early earthquake east economy election emergency end energy engineers
evening event evidence explosion families farmers fire first flood following force
foreign former found free fuel funds general given government ground group guards harbour
health hearing held help high history homes hospital hours house hundreds inquiry island
judge jury killed known lake land large last later law leaders left letter line local
long made major march market mayor meeting memorial men miles minister months morning
mountain museum nation national near network news night north number officers official
open order outside parliament party passengers people plant police port power press
prison protest public published question railway reactor record region released relief
report rescue residents river road ruling safety said school sea season second security
senate service ship shore signed site soldiers south speech spring stadium staff station
storm street strike study summer survivors talks team terms thousands tide times today
town trade train trial troops tunnel union valley vote voters wall war water weather
week west wind winter witnesses women workers world year years young zone
""".split()

SYLLABLES = (
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu "
    "na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu"
).split()
RARE_WORDS = 20_000


def rare_word(rank):
    """The made-up word of that frequency rank (0 the most frequent): names, places, terms."""
    number, parts = rank + len(SYLLABLES), []
    while number:
        number, digit = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts)


class Text:
    """
    Generated prose: sentences drawn from a fixed pool, so output is cheap and repeatable.

    A quarter of the words come from 20,000 made-up ones with Zipf frequencies (rare_word), the
    rest from a few hundred common words, so that a search for a word matches a realistic
    share of the documents rather than half of them.
    """

    def __init__(self, rng, pool_size=20_000):
        self.rng = rng
        total, self.rare_cumulative = 0.0, []
        for rank in range(RARE_WORDS):
            total += 1 / (rank + 1)
            self.rare_cumulative.append(total)
        self.rare = [rare_word(rank) for rank in range(RARE_WORDS)]
        self.pool = [self._sentence() for _ in range(pool_size)]

    def _word(self):
        if self.rng.random() < 0.25:
            return self.rng.choices(self.rare, cum_weights=self.rare_cumulative)[0]
        return self.rng.choice(WORDS)

    def _sentence(self):
        words = [self._word() for _ in range(self.rng.randint(7, 16))]
        words[0] = words[0].capitalize()
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(2, len(words) - 1), "and")
        return " ".join(words) + "."

    def sentences(self, count):
        return " ".join(self.rng.choices(self.pool, k=count))

    def words(self, low, high):
        return " ".join(self._word() for _ in range(self.rng.randint(low, high)))

    def title(self, low=3, high=8):
        return self.words(low, high).capitalize()


def paragraphs_html(paragraphs):
    """What render_markdown makes of plain paragraphs of generated words (checked in tests)."""
    return "\n".join(f"<p>{text}</p>" for text in paragraphs)


def word_count(text):
    """Words as a reader counts them (and bench/_shape.py in the served HTML): no marks."""
    return len(re.findall(r"\w+(?:['\u2019-]\w+)*", text))


def cut_to(paragraph, words):
    """The paragraph, its last words dropped to hold at most `words`, ending with a full stop."""
    while word_count(paragraph) > words:
        paragraph = paragraph.rsplit(" ", 1)[0].rstrip(".,") + "."
    return paragraph
