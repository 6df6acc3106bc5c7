"""The shape of charley's knowledge: one schema for every YAML file.

The classes are stdlib dataclasses so that loading the cached knowledge
costs no pydantic import; pydantic validates the YAML against these same
classes (unknown keys rejected) when the cache is built and in
`charley kb check`.

A *condition* (``when``) is plain data, compiled by
:mod:`charley.knowledge.conditions`::

    "sign.chest_pain"                       # present now
    {all: [..]} / {any: [..]} / {not: ..}   # logic
    {absent: "sign.fever"}                  # said to be absent
    {unknown: "sign.fever"}                 # not known either way
    {value: "episode.minutes", gt: 10}      # a number that was stated
    {history: "condition.dvt"}              # mentioned as past history
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["emergency_ambulance", "emergency", "consultation_24", "consultation", "self_care"]
LEVELS: tuple[Level, ...] = (
    "self_care",
    "consultation",
    "consultation_24",
    "emergency",
    "emergency_ambulance",
)
"""Levels from lowest to highest urgency; the index is the rank."""

FindingGroup = Literal[
    "symptom",
    "site",
    "side",
    "feel",
    "sign",
    "timing",
    "trigger",
    "medicine",
    "condition",
    "relief",
    "course",
    "person",
    "quantity",
    "topic",
]
CueCategory = Literal["negated", "history", "hypothetical", "family", "pseudo", "terminate"]
Direction = Literal["forward", "backward"]


# The classes are slotted but not frozen: `frozen` doubles the cost of
# defining a dataclass, paid on every start of `charley assess`. The engine
# only reads them; the results it returns (charley.assessment) are frozen.


def forbid_extra(cls: type) -> type:
    """Tell pydantic to reject unknown keys for this dataclass."""
    cls.__pydantic_config__ = {"extra": "forbid"}  # type: ignore[attr-defined]
    return cls


@forbid_extra
@dataclass(slots=True)
class Citation:
    """Where a statement comes from.

    For an article, ``source`` is its file name and ``quote`` a short
    verbatim passage. For outside guidance, ``source`` is the id of a
    guidance source and ``summary`` is charley's own summary of it.
    """

    source: str
    quote: str = ""
    summary: str = ""


@forbid_extra
@dataclass(slots=True)
class Source:
    id: str
    kind: Literal["article", "guidance"]
    title: str
    publisher: str
    url: str = ""
    updated: str = ""


@forbid_extra
@dataclass(slots=True)
class FindingDef:
    """One thing a person can report, with the words that report it."""

    id: str
    label: str
    group: FindingGroup
    question: str = ""
    phrases: tuple[str, ...] = ()
    absent_phrases: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    unit: str = ""


@forbid_extra
@dataclass(slots=True)
class Cue:
    """A word that changes the meaning of findings near it (ConText-style).

    ``groups``, when given, limits the cue to findings of those groups:
    "my mum has" makes a *condition* a relative's, but "my mum has a stiff
    neck" still describes the person charley is asked about.
    """

    phrase: str
    category: CueCategory
    direction: Direction = "forward"
    groups: tuple[FindingGroup, ...] = ()


@forbid_extra
@dataclass(slots=True)
class Derivation:
    """A finding that follows from others, e.g. fever from a stated temperature."""

    id: str
    when: Any
    sets: str
    note: str = ""


@forbid_extra
@dataclass(slots=True)
class Unit:
    words: tuple[str, ...]
    finding: str
    factor: float


@forbid_extra
@dataclass(slots=True)
class Language:
    """How words are read: context cues, numbers, units and common misspellings."""

    max_scope: int
    cues: tuple[Cue, ...]
    terminators: tuple[str, ...]
    history_terminators: tuple[str, ...]
    numbers: dict[str, float]
    units: dict[str, Unit]
    periods: dict[str, float]
    spellings: dict[str, str]
    weekdays: tuple[str, ...]
    derivations: tuple[Derivation, ...] = ()
    list_joiners: tuple[str, ...] = ()
    no_inflection: tuple[str, ...] = ()
    relatives: tuple[str, ...] = ()
    family_verbs: tuple[str, ...] = ()
    clause_breaks: tuple[str, ...] = ()
    other_people: tuple[str, ...] = ()
    unborn: tuple[str, ...] = ()
    inner_symptoms: tuple[str, ...] = ()
    subject_claims: tuple[str, ...] = ()
    pregnancy_words: tuple[str, ...] = ()
    inner_skip: tuple[str, ...] = ()
    comment_words: tuple[str, ...] = ()
    question_starts: tuple[str, ...] = ()
    first_person: tuple[str, ...] = ()
    third_person: tuple[str, ...] = ()
    self_claims: tuple[str, ...] = ()  # "that's me right now": a what-if is the writer's own
    disclaimers: tuple[str, ...] = ()  # "it hasn't happened": a question is only a worry
    not_me: tuple[str, ...] = ()  # "not me": another person's symptom stays theirs
    ambient_words: tuple[str, ...] = ()  # "in 35 degrees": a temperature of the weather
    hot_weather_celsius: float = 25.0  # weather this warm is heat
    present_markers: tuple[str, ...] = ()  # "she's out of it now": another person's clause is now
    activities: tuple[str, ...] = ()  # "sat for two hours": a length that is not the episode's
    episode_words: tuple[str, ...] = ()  # ...unless one of these stands between


@forbid_extra
@dataclass(slots=True)
class WordClass:
    """Words that mean one thing for composing findings: a body fluid
    ("pee", "wee", "urine"), a dark colour ("cola", "strong tea", "gravy"),
    a part of the face, "cannot"."""

    id: str
    words: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # a finding read anywhere counts as a word of the class
    note: str = ""


@forbid_extra
@dataclass(slots=True)
class Composition:
    """A finding read from words of several classes near each other in one
    sentence: "pee" + "like flat cola" is dark urine, however it is worded.

    ``all`` names the classes that must all appear within ``window`` words;
    "not X" asks for a word of class X that a negation covers ("hasn't
    eased"). When a plain part is negated ("my wee isn't dark") the
    findings are read as absent. ``sets`` are the findings it reads, with
    ``state`` present or absent ("breathing is fine"). ``within: sentence``
    lets the words stand across commas ("every time I walk, I have to stop").
    ``replaces: false`` keeps the findings of its words ("cramped" stays a
    cramp when "cramped for 2 minutes" also says it is over).
    """

    id: str
    all: tuple[str, ...]
    sets: tuple[str, ...]
    state: Literal["present", "absent"] = "present"
    window: int = 10
    within: Literal["clause", "sentence"] = "clause"
    replaces: bool = True
    note: str = ""

    def parts(self) -> tuple[tuple[str, str], ...]:
        """Each class with how its word must read: "not easing" -> ("easing", "not"),
        a negated word; "any since_time" -> ("since_time", "any"), negated or not,
        without deciding the finding's state; "urine" -> ("urine", "plain")."""
        out = []
        for p in self.all:
            mode, _, rest = p.strip().partition(" ")
            if mode in ("not", "any") and rest:
                out.append((rest.strip(), mode))
            else:
                out.append((p.strip(), "plain"))
        return tuple(out)


@forbid_extra
@dataclass(slots=True)
class PolicyRow:
    """A row of the triage policy (TRIAGE.md); each must have a rule, its own
    or one of another row named in ``implemented_by`` (the emergency screen's
    heart attack row is the chest pain rule)."""

    id: str
    level: Level
    text: str
    implemented_by: tuple[str, ...] = ()


@forbid_extra
@dataclass(slots=True)
class Rule:
    """A triage rule: when the condition holds, the level is at least ``level``."""

    id: str
    row: str
    level: Level
    when: Any
    reason: str
    citations: tuple[Citation, ...]
    kinds: tuple[str, ...] = ()
    see: tuple[str, ...] = ()


@forbid_extra
@dataclass(slots=True)
class OpenQuestion:
    """A finding that stays unknown (and is asked) when not said, in a context.

    The question closes when its findings are known, or when any finding in
    ``resolved_by`` is ("urine" was mentioned, and then said to be dark or
    normal).
    """

    id: str
    when: Any
    ask: tuple[str, ...]
    level: Level
    reason: str
    citations: tuple[Citation, ...]
    resolved_by: tuple[str, ...] = ()


@forbid_extra
@dataclass(slots=True)
class Kind:
    id: str
    label: str
    icd10: str
    description: str
    suggested_by: Any
    weight: int
    citations: tuple[Citation, ...]


@forbid_extra
@dataclass(slots=True)
class Scope:
    """TRIAGE.md "Out of scope": a description is charley's to assess when
    ``muscle`` holds and ``not_muscle`` does not. Otherwise the answer says so,
    gives ``reason`` and points to ``see``."""

    muscle: Any
    not_muscle: Any
    reason: str
    citations: tuple[Citation, ...]


@forbid_extra
@dataclass(slots=True)
class Triage:
    levels: dict[str, str]
    rows: tuple[PolicyRow, ...]
    rules: tuple[Rule, ...]
    fallback: Rule
    scope: Scope
    open_questions: tuple[OpenQuestion, ...]
    interview_order: tuple[str, ...]
    forbidden_advice: tuple[str, ...]
    disclaimer: str
    # when a question of the order is worth asking (finding id -> condition)
    interview_when: dict[str, Any] = field(default_factory=dict)
    # answered before the interview can stop; "don't know" holds the level
    red_flags: tuple[str, ...] = ()
    # what the trouble is and where: asked while unknown, whatever the level
    orienting: tuple[str, ...] = ()
    unsure: OpenQuestion | None = None


@forbid_extra
@dataclass(slots=True)
class Fact:
    """A statement of the condition profile, in charley's words, with its sources.

    ``when`` (optional) says for whom it applies; ``weight`` ranks it. A
    safety-net item's ``level`` is where its signs would send the person: it
    is shown only on answers below that level.
    """

    id: str
    label: str
    text: str
    citations: tuple[Citation, ...]
    when: Any = None
    weight: int = 0
    examples: tuple[str, ...] = ()
    level: Level | None = None


@forbid_extra
@dataclass(slots=True)
class Disagreement:
    id: str
    topic: str
    sources_say: str
    resolution: str
    citations: tuple[Citation, ...]


@forbid_extra
@dataclass(slots=True)
class Profile:
    """The condition profile: everything the four articles say, in charley's words."""

    summary: Fact
    aliases: tuple[Fact, ...]
    sites: tuple[Fact, ...]
    muscle_types: tuple[Fact, ...]
    signs: tuple[Fact, ...]
    durations: tuple[Fact, ...]
    causes: tuple[Fact, ...]
    risk_factors: tuple[Fact, ...]
    medicines: tuple[Fact, ...]
    conditions: tuple[Fact, ...]
    mimics: tuple[Fact, ...]
    treatments: tuple[Fact, ...]
    relief: tuple[Fact, ...]
    prevention: tuple[Fact, ...]
    specialists: tuple[Fact, ...]
    warning_signs: tuple[Fact, ...]
    while_waiting: tuple[Fact, ...] = ()
    safety_net: tuple[Fact, ...] = ()
    disagreements: tuple[Disagreement, ...] = field(default=())
    # the causes of an ordinary cramp, not listed beside a dangerous possibility
    ordinary_causes: tuple[str, ...] = ()


@forbid_extra
@dataclass(slots=True)
class GuidePart:
    """One section of the statements (charley.statements) shown in a topic."""

    section: str
    title: str = ""


@forbid_extra
@dataclass(slots=True)
class QuestionFrame:
    """Phrases by which people ask for some sections of the statements ("how
    long" asks for durations), whatever the question is about."""

    asks: tuple[str, ...]
    phrases: tuple[str, ...]


@forbid_extra
@dataclass(slots=True)
class CoverageEntry:
    """One medically meaningful statement of an article (coverage.yaml).

    ``quote`` is a short verbatim passage that identifies it. Exactly one of
    ``cited_by`` (ids from :func:`charley.statements.all_statements` whose
    citations quote the same passage) and ``left_out`` (the id of a reason in
    the file's ``reasons``, with ``note`` saying which rule or what it repeats)
    is given.
    """

    quote: str
    cited_by: tuple[str, ...] = ()
    left_out: str = ""
    note: str = ""


@forbid_extra
@dataclass(slots=True)
class GuideTopic:
    """A topic of the care guide: a title and intro (not medical statements),
    and the sections and disagreements whose statements it shows."""

    id: str
    title: str
    intro: str
    parts: tuple[GuidePart, ...]
    group_by: Literal["section", "site", "level"] = "section"
    disagreements: tuple[str, ...] = ()


@forbid_extra
@dataclass(slots=True)
class ArticleCoverage:
    source: str
    statements: tuple[CoverageEntry, ...]


@forbid_extra
@dataclass(slots=True)
class Guide:
    """guide.yaml: the care guide's topics in order, and the titles of its groups."""

    topics: tuple[GuideTopic, ...]
    disagreements_title: str
    any_part_title: str
    while_waiting_title: str
    questions: tuple[QuestionFrame, ...] = ()


@forbid_extra
@dataclass(slots=True)
class Coverage:
    """The inventory of what the four articles say, and what charley does with it.

    Read only by `charley kb check` (never on the start-up path of `charley assess`).
    """

    reasons: dict[str, str]
    articles: tuple[ArticleCoverage, ...]
