"""Numbers in free text: durations, how often, age, temperature, pain, weeks pregnant.

The words for numbers and units come from the knowledge (language.yaml);
this module holds only the grammar that joins them ("three or four nights
a week", "for about 30 minutes", "a 19-year-old", "39.4°C"). Each pattern
that matches is blanked out, so "28 weeks pregnant" is not also read as a
duration of 28 weeks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from charley.knowledge.schema import Language

if TYPE_CHECKING:
    from charley.parse.clock import Span

MORE_THAN = 1.01  # "over an hour" is a little more than an hour
BODY_LOWEST = 35.5  # below this a temperature in degrees is the weather's, not a body's
_DIGIT = re.compile(r"\d")
# a time of day: digits ("7.15", "1pm"), "o'clock", "noon"; or "past"/"to" before an hour
_CLOCK_DIGITS = re.compile(r"\d[:.]\d\d|\d\s*[ap]\.?m\b")
_CLOCK_WORDS = re.compile(
    r"\b(?:past|to)\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
)


def _clock_hint(text: str, digits: bool) -> bool:
    """Cheap tests first: most texts hold no time of day."""
    if digits and _CLOCK_DIGITS.search(text) is not None:
        return True
    if "clock" in text or "noon" in text or "midday" in text or "midnight" in text:
        return True
    return (" past " in text or " to " in text) and _CLOCK_WORDS.search(text) is not None


class Lazy:
    """A regex compiled on first use. Most texts need only a few of the
    patterns, and compiling them all costs a good share of `charley assess`'s
    start."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._get().finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self._get().search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._get().fullmatch(text)


class Quantity(NamedTuple):
    finding: str
    value: float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Grammar:
    numbers: dict[str, float]
    age: tuple[Lazy, ...]
    pregnancy: tuple[Lazy, ...]
    pregnancy_opening: Lazy
    vitals: tuple[tuple[str, Lazy], ...]
    pregnancy_words: tuple[str, ...]
    temperature: tuple[Lazy, ...]
    severity: Lazy
    frequency: Lazy
    every: Lazy
    rarely: Lazy
    overdose: Lazy
    duration: Lazy
    one_or_two: Lazy
    since: Lazy
    units: dict[str, tuple[str, float]]
    periods: dict[str, float]
    # anchors: a pattern runs only when one search finds what it cannot match without
    has_per_period: re.Pattern[str]  # "a week", "per night": what `frequency` ends with
    has_unit: re.Pattern[str]  # a unit word: what `duration` needs
    # "sat for": a length right after this is the activity's. Words and phrases
    # as sets, not a regex: compiling a big alternation costs a start-up.
    activity: frozenset[str]
    activity_phrases: tuple[str, ...]
    ambient: Lazy  # "in 35 degrees": the weather, not the body
    hot_weather: float  # degrees Celsius of weather that count as heat
    episode_word: frozenset[str]  # "cramp", "it": a length after this is the episode's


_GRAMMARS: dict[int, tuple[Language, Grammar]] = {}


def grammar_for(language: Language) -> Grammar:
    """The compiled grammar for this language data (built once per process)."""
    hit = _GRAMMARS.get(id(language))
    if hit is not None and hit[0] is language:
        return hit[1]
    grammar = _build_grammar(language)
    _GRAMMARS[id(language)] = (language, grammar)
    return grammar


def either(words: list[str] | tuple[str, ...]) -> str:
    """A regex for any one of `words`, written as a letter trie:
    "a|an|a few" becomes "a(?:n|\\ few)?". It matches what the plain
    alternation sorted longest first matches (a longer word is always tried
    before a word it starts with, and words that differ cannot both match at
    one place), but the regex engine rejects a place at its first letter
    instead of trying every word there: several times faster on a sentence."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(trie) + ")"


def _build_grammar(language: Language) -> Grammar:
    num = r"(?:\d+(?:\.\d+)?|" + either(tuple(language.numbers)) + r")"
    unit_of: dict[str, tuple[str, float]] = {}
    for unit in language.units.values():
        for w in unit.words:
            unit_of[w] = (unit.finding, unit.factor)
    unit_words = either(tuple(unit_of))
    periods = "|".join(map(re.escape, language.periods))
    days = "|".join(map(re.escape, language.weekdays))
    return Grammar(
        numbers=dict(language.numbers),
        age=(
            Lazy(r"\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b"),
            Lazy(
                r"\b(?:i'm|i am|aged|age|he's|she's|he is|she is)\s+(\d{1,3})\b"
                r"(?!\s*(?:weeks?|months?|days?|minutes?|%|/|degrees|°|x\b))"
            ),
        ),
        # "28 weeks pregnant", "pregnant 5 month", "I'm 34 weeks" (not "34 weeks ago")
        pregnancy=(
            Lazy(rf"\b({num})\s*(weeks?|wks?|months?)\s+(?:pregnant|preg)\b"),
            Lazy(rf"\bpregnant\s+(?:with\s+)?({num})\s+(weeks?|months?)\b"),
            Lazy(
                rf"\b(?:i'm|i am|she's|she is|wife's|wife is|partner's|partner is)\s+({num})"
                r"\s+(weeks?)\b(?!\s+(?:ago|old|now|later|before|since|of|in|into))"
            ),
        ),
        # "34 weeks and the baby's hardly kicked": weeks that open the text, when
        # the text speaks of a pregnancy
        pregnancy_words=tuple(language.pregnancy_words),
        pregnancy_opening=Lazy(
            rf"^\W*({num})\s+(weeks?)\b(?!\s+(?:ago|old|now|later|before|since|of|in|into))"
        ),
        temperature=(
            Lazy(r"\b(\d{2,3}(?:\.\d+)?)\s*(?:°|º|degrees?|deg)\s*(c|f|celsius|fahrenheit)?\b"),
            Lazy(r"\b(\d{2,3}(?:\.\d+)?)\s*(c|f)\b"),
            # "temp of 38.6", "temp's been 38.6 since last night", "thermometer says 39"
            Lazy(
                r"\b(?:temperature|temp|fever|thermometer)(?:'s|\s+is|\s+was|\s+has)?"
                r"(?:\s+(?:of|been|at|around|reads?|says|said|showed|shows|up to|gone up to|hit))*"
                r"\s*(\d{2,3}(?:\.\d+)?)()"
            ),
        ),
        # a clinician's note: "SpO2 89% RA", "RR 28", "CK 24,000", "corrected Ca 1.82"
        vitals=(
            (
                "vital.spo2",
                Lazy(
                    r"\b(?:spo2|sp02|o2 sats?|sats?|saturations?|oxygen saturation)"
                    r"\s*(?:of|is|was|at|:)?\s*(\d{2,3})\s*%"
                ),
            ),
            (
                "vital.resp_rate",
                Lazy(r"\b(?:rr|resp rate|respiratory rate|resps)\s*(?:of|is|was|:)?\s*(\d{1,2})\b"),
            ),
            (
                "lab.ck",
                Lazy(
                    r"\b(?:ck|cpk|creatine kinase)\s*(?:of|is|was|:|>)?"
                    r"\s*(\d{1,3}(?:,\d{3})+|\d+)\b"
                ),
            ),
            (
                "lab.calcium",
                Lazy(
                    r"\b(?:corrected |adjusted |adj )?(?:ca|calcium)"
                    r"\s*(?:of|is|was|:)?\s*(\d\.\d{1,2})\b"
                ),
            ),
        ),
        # "8/10", "8 out of 10", "a nine out of ten"
        severity=Lazy(rf"\b(\d{{1,2}}|{num})\s*(?:/|out of)\s*(?:10|ten)\b"),
        frequency=Lazy(
            rf"\b({num})(?:\s*(?:or|to|-)\s*({num}))?\s*"
            rf"(?:times?|nights?|days?|evenings?|episodes?|cramps?|x)?\s*"
            rf"(?:a|per|each|every|this|last)\s+({periods})\b"
        ),
        every=Lazy(r"\b(?:every|each)\s+(night|day|evening)\b|\b(nightly|daily)\b"),
        duration=Lazy(
            rf"(?<![\w-])(over|more than|longer than|about|around)?\s*({num})"
            rf"(?:\s*(?:or|to|-)\s*({num}))?(?:\s+|(?<=\d))({unit_words})\b(?!-)(\s+ago)?"
        ),
        # "taken 16 Panadol since this morning": ten or more at once is an overdose
        overdose=Lazy(
            rf"\b(?:took|taken|swallowed|necked|downed|had)\s+"
            rf"(?:about|around|like|maybe|nearly|over|at least|almost)?\s*({num})\s+"
            r"(?:of\s+(?:my|the|his|her)\s+)?(?:[a-z]+\s+)?"
            r"(?:paracetamol|panadol|tylenol|co\W?codamol|ibuprofen|nurofen|aspirin|tablets|pills|"
            r"capsules|diazepam|painkillers|relaxers|relaxants)\b"
            r"(?!\s+(?:a|per|each|every)\s+(?:day|week))"
        ),
        rarely=Lazy(rf"\b(?:once\s+)?every\s+(few|couple of|{num})\s+(weeks?|months?)\b"),
        one_or_two=Lazy(rf"\b(?:a|an|one)\s+({unit_words})\s+or\s+two\b"),
        since=Lazy(
            rf"\bsince\s+(yesterday|last night|this morning|last week|last month|"
            rf"(?:last\s+)?(?:{days}))\b"
        ),
        units=unit_of,
        periods=dict(language.periods),
        has_per_period=re.compile(rf"(?:a|per|each|every|this|last)\s+(?:{periods})"),
        has_unit=re.compile(unit_words),
        hot_weather=language.hot_weather_celsius,
        ambient=_words(language.ambient_words, r"\s*$"),
        activity=frozenset(w for w in language.activities if " " not in w),
        activity_phrases=tuple(w for w in language.activities if " " in w),
        episode_word=frozenset(language.episode_words),
    )


def _words(words: tuple[str, ...], end: str) -> Lazy:
    """Any of `words` as a whole word, followed by `end`; no words match nothing."""
    return Lazy(rf"\b(?:{either(words)}){end}" if words else r"(?!)")


def _number(g: Grammar, word: str | None) -> float | None:
    if word is None:
        return None
    if word in g.numbers:
        return g.numbers[word]
    try:
        return float(word)
    except ValueError:
        return None


# A stated length of one episode leaves this word where it stood, so that
# the knowledge can compose with it ("cramped" + a length: a cramp that is over).
DURATION_MARK = "_d_"
# the mark "since yesterday" leaves, so that word classes still see a "since"
SINCE_MARK = "_s_"


def _blank(text: str, start: int, end: int, mark: str = "") -> str:
    fill = mark.center(end - start) if 0 < len(mark) <= end - start else " " * (end - start)
    return text[:start] + fill + text[end:]


ACTIVITY_REACH = 50  # characters before a length in which an activity claims it
_A_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


# "two hours mowing", "ten minutes of a match", "forty minutes into my run",
# "five hours' sleep": what follows a length says it is an activity's
_DOING_AFTER = re.compile(r"'?\s+(?:(into|of)\s+(?:(?:a|an|the|my|his|her)\s+)?)?([a-z]+)\b")


def _activity_length(g: Grammar, text: str, start: int, end: int | None = None) -> bool:
    """Is the length at `start` an activity's ("sitting cross-legged at the
    temple for two hours", "after two hours mowing"), with no word of the
    episode or sentence end between the activity and the length?"""
    if end is not None:
        doing = _DOING_AFTER.match(text, end)
        if doing and doing.group(2) not in g.episode_word:
            word = doing.group(2)
            if doing.group(1) or word.endswith("ing") or word in g.activity:
                return True
    before = text[max(0, start - ACTIVITY_REACH) : start]
    ends = [m.end() for m in _A_WORD.finditer(before) if m.group(0) in g.activity]
    for phrase in g.activity_phrases:
        at = before.rfind(phrase)
        if at >= 0 and (at == 0 or not before[at - 1].isalnum()):
            ends.append(at + len(phrase))
    if not ends:
        return False
    between = before[max(ends) :]
    return not any(ch in ".!?;" for ch in between) and not any(
        m.group(0) in g.episode_word for m in _A_WORD.finditer(between)
    )


def _clock_spans(text: str, numbers: dict[str, float]) -> list[Span]:
    from charley.parse.clock import clock_spans  # imported only for texts with a time of day

    return clock_spans(text, numbers)


def extract(text: str, language: Language) -> tuple[list[Quantity], str]:
    """Every quantity in normalised `text`, and the text with them blanked out."""
    g = grammar_for(language)
    found: list[Quantity] = []

    def take(finding: str, value: float, m: re.Match[str], mark: str = "") -> None:
        nonlocal text
        found.append(Quantity(finding, value, m.start(), m.end()))
        mark = DURATION_MARK if finding == "episode.minutes" else mark
        text = _blank(text, m.start(), m.end(), mark)

    # Each pattern needs an anchor (a digit, "pregnant", a unit word…): a cheap
    # substring test first skips the regexes that cannot match.
    digits = _DIGIT.search(text) is not None
    for pattern in g.age if digits else ():
        for m in list(pattern.finditer(text)):
            age = float(m.group(1))
            if 0 < age < 125:
                take("age.years", age, m)
    expecting = any(w in text for w in g.pregnancy_words)
    openings = (g.pregnancy_opening,) if expecting else ()
    weeks = "pregnant" in text or "preg" in text or "week" in text or "wk" in text
    for pattern in (*g.pregnancy, *openings) if weeks else ():
        for m in list(pattern.finditer(text)):
            n = _number(g, m.group(1))
            if n is not None:
                take("pregnancy.weeks", n * (4.3 if m.group(2).startswith("month") else 1), m)
    for finding, pattern in g.vitals if digits else ():
        for m in list(pattern.finditer(text)):
            take(finding, float(m.group(1).replace(",", "")), m)
    for pattern in g.temperature if digits else ():
        for m in list(pattern.finditer(text)):
            t = float(m.group(1))
            scale = (m.group(2) or "")[:1]
            if scale == "f" or (not scale and 93 <= t <= 112):
                t = (t - 32) * 5 / 9
            before = text[max(0, m.start() - 12) : m.start()]
            weather = t < BODY_LOWEST or g.ambient.search(before) is not None
            if weather and t >= g.hot_weather:
                take("trigger.heat", round(t, 1), m)  # "festival, 34 degrees": hot weather
            elif not weather and t <= 45:
                take("temperature.celsius", round(t, 1), m)
    for m in list(g.severity.finditer(text)) if "10" in text or " ten" in text else ():
        score = _number(g, m.group(1))
        if score is not None:
            take("pain.severity", min(score, 10.0), m)
    periods = g.has_per_period.search(text) is not None  # "a week", "per night"
    for m in list(g.frequency.finditer(text)) if periods else ():
        low, high = _number(g, m.group(1)), _number(g, m.group(2))
        n = max(x for x in (low, high, 0.0) if x is not None)
        if n > 0:
            take("frequency.per_week", round(n * g.periods[m.group(3)], 2), m)
    for m in (
        list(g.overdose.finditer(text))
        if "took" in text or "taken" in text or "swallow" in text or "had " in text
        else ()
    ):
        count = _number(g, m.group(1))
        if count is not None and count >= 10:
            take("sign.self_harm", count, m)
    # "I only get one every few months": rare, not months of cramps
    for m in list(g.rarely.finditer(text)) if "every" in text else ():
        word = m.group(1)
        n = {"few": 3.0, "couple of": 2.0}.get(word) or _number(g, word) or 3.0
        interval = n * (4.3 if m.group(2).startswith("month") else 1.0)
        take("frequency.per_week", round(1.0 / interval, 3), m)
    every = "every" in text or "each" in text or "nightly" in text or "daily" in text
    for m in list(g.every.finditer(text)) if every else ():
        take("frequency.per_week", 7.0, m)
    for m in list(g.one_or_two.finditer(text)) if " or two" in text else ():
        finding, factor = g.units[m.group(1)]
        take(finding, round(2 * factor, 3), m)
    for span in _clock_spans(text, g.numbers) if _clock_hint(text, digits) else ():
        # "started at 1pm and it's 3pm now": the length between two times of day
        if not _activity_length(g, text, span.first[0]):
            found.append(Quantity("episode.minutes", span.minutes, span.first[0], span.second[1]))
            text = _blank(text, *span.first)
            text = _blank(text, *span.second, DURATION_MARK)
    units = g.has_unit.search(text) is not None
    for m in list(g.duration.finditer(text)) if units else ():
        finding, factor = g.units[m.group(4)]
        if m.group(5) and finding == "course.days" and factor >= 365:
            continue  # "six years ago" is history, read as a context cue instead
        low, high = _number(g, m.group(2)), _number(g, m.group(3))
        n = max(x for x in (low, high, 0.0) if x is not None)
        if n <= 0:
            continue
        if finding == "episode.minutes" and _activity_length(g, text, m.start(), m.end()):
            continue
        more = MORE_THAN if m.group(1) in ("over", "more than", "longer than") else 1.0
        take(finding, round(n * factor * more, 3), m)
    since_days = {"yesterday": 1.0, "last night": 1.0, "this morning": 0.5}
    since_days |= {"last week": 7.0, "last month": 30.0}
    for m in list(g.since.finditer(text)) if "since" in text else ():
        take("course.days", since_days.get(m.group(1), 2.0), m, SINCE_MARK)
    found.sort(key=lambda q: q.start)
    return found, text
