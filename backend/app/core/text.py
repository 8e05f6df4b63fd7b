"""Word, sentence and syllable counting shared by the writers, the analyser and speech timing."""

from __future__ import annotations

import re

# A word: letters or digits, with inner apostrophes or hyphens ("don't", "well-known").
WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?]+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Endings where a final "es" is voiced as its own syllable: "boxes", "places", "wishes".
_VOICED_ES = ("ses", "xes", "zes", "ces", "ges", "ches", "shes")

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves get got make makes made really thing things way ways lot lots use using guide
    tips tip best top new vs ever every also much many one two three""".split()
)


def words(text: str) -> list[str]:
    """The words of `text` in order, punctuation dropped."""
    return WORD.findall(text)


def count_words(text: str) -> int:
    """How many words `text` holds (the unit of every duration estimate)."""
    return len(WORD.findall(text))


def count_sentences(text: str) -> int:
    """Sentences ended by . ! or ?; trailing text without a stop counts as one more."""
    parts = [p for p in _SENTENCE_END.split(text) if WORD.search(p)]
    return max(1, len(parts))


def syllables(word: str) -> int:
    """Syllables of one word by a vowel-group heuristic (exact for most common words).

    1. Count runs of vowels (a e i o u y): "beau-ti-ful" -> 3.
    2. A final silent "e" takes one off ("make"), except consonant + "le" ("table").
    3. A final "ed" takes one off unless after t or d ("jumped" 1, "wanted" 2).
    4. A final "es" takes one off unless after s, x, z, c, g, ch, sh ("makes" 1, "boxes" 2).
    5. Digits count one syllable each; every word has at least one syllable.
    """
    w = word.lower().replace("’", "'")
    if w.isdigit():
        return len(w)
    w = re.sub(r"[^a-z]", "", w)
    if not w:
        return 1
    count = len(_VOWEL_GROUPS.findall(w))
    if count > 1:
        if w.endswith("e") and not (w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy"):
            count -= 1
        elif w.endswith("ed") and not w.endswith(("ted", "ded")):
            count -= 1
        elif w.endswith("es") and not w.endswith(_VOICED_ES):
            count -= 1
    return max(1, count)


def count_syllables(text: str) -> int:
    """Total syllables of every word in `text`."""
    return sum(syllables(w) for w in words(text))


def keywords(text: str, limit: int = 6) -> list[str]:
    """Content words of `text`, lower-cased, stop words and duplicates removed, in order."""
    seen: list[str] = []
    for w in words(text):
        if _is_content(w) and w.lower() not in seen:
            seen.append(w.lower())
    return seen[:limit]


def _is_content(word: str) -> bool:
    low = word.lower()
    return low not in STOP_WORDS and len(low) >= 3 and not low.isdigit()


def key_phrases(text: str) -> list[str]:
    """Runs of adjacent content words, lower-cased: "black holes and neutron stars" gives
    ["black holes", "neutron stars"]."""
    runs: list[list[str]] = [[]]
    for w in words(text):
        if _is_content(w):
            runs[-1].append(w.lower())
        elif runs[-1]:
            runs.append([])
    found = [" ".join(run) for run in runs if run]
    return list(dict.fromkeys(found))
