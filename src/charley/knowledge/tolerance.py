"""Tolerance to spelling and word form: "swolen", "chets pian", "swelled".

People type fast, on phones, in a second language. Three things bring their
words to the ones charley knows, and all three are worked out once, when the
knowledge is compiled, so that reading a description stays a dictionary
look-up per word:

1. **Fixed spellings and text-speak** from `language.yaml` ("n" -> "and",
   "2nite" -> "tonight", "cant" -> "can't"), plus dropped g's ("crampin").
2. **Word forms**: an English word with the same Snowball stem as a word
   charley knows reads as that word ("swelled" -> "swells"), except the words
   listed in `no_inflection` and the words of context cues, whose exact form
   matters ("passing" must not mean "passed", i.e. eased).
3. **Typing slips**: a word that is not English and not known, within one
   edit of a known word (two for long words; a swap of two letters is one
   edit), reads as that word ("pian" -> "pain"). An ordinary English word is
   never changed: "lift" stays "lift" although "left" is one letter away.
   English is symspellpy's frequency dictionary, read at compile time only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_FUZZY = 4  # shorter words are too easily another word
LONG_WORD = 8  # from this length, two edits are allowed
MEMO_MAX = 20_000
DROPPED_G_SUFFIX = "in"


@dataclass(slots=True)
class Tolerance:
    """Surface word -> the word charley knows, worked out at compile time."""

    canonical: dict[str, str]
    vocabulary: frozenset[str]
    deletes: dict[str, str]  # a deletion -> the known words it comes from, space-separated
    english: frozenset[str]  # ordinary words near a known word: never corrected
    memo: dict[str, str | None] = field(default_factory=dict)

    def known(self, word: str) -> str | None:
        """The word charley knows for `word`, or None when it is left as it is."""
        fixed = self.canonical.get(word)
        if fixed is not None:
            return fixed
        if word in self.vocabulary:
            return None
        if word.endswith("'s") and len(word) > 3:
            # "wee's gone dark", "smile's lopsided": the word, without its 's
            base = word[:-2]
            return base if base in self.vocabulary else self.known(base)
        if len(word) < MIN_FUZZY or not word.isalpha():
            return None
        if word in self.memo:
            return self.memo[word]
        best = None if word in self.english else self._nearest(word)
        if len(self.memo) < MEMO_MAX:
            self.memo[word] = best
        return best

    def _nearest(self, word: str) -> str | None:
        limit = 2 if len(word) >= LONG_WORD else 1
        candidates: set[str] = set()
        for key in deletions(word, limit):
            hit = self.deletes.get(key)
            if hit is not None:
                candidates.update(hit.split(" "))
        scored = sorted((d, v) for v in candidates if (d := osa_distance(word, v, limit)) <= limit)
        if not scored:
            return None
        nearest = [v for d, v in scored if d == scored[0][0]]
        if len(nearest) > 1:
            # a slip rarely changes the first letter: "tinging" is "tingling", not "stinging"
            nearest = [v for v in nearest if v[0] == word[0]]
        if len(nearest) != 1:
            return None  # known words equally near: do not guess
        return nearest[0]


def deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters taken out (SymSpell's index keys)."""
    out = {word}
    edge = {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1 :] for w in edge for i in range(len(w)) if len(w) > 1}
        out |= edge
    return out


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts one),
    or limit + 1 when it is larger than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def english_words() -> dict[str, int]:
    """symspellpy's English frequency dictionary: word -> count."""
    from importlib import resources

    text = (resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text(
        encoding="utf-8"
    )
    out: dict[str, int] = {}
    for line in text.splitlines():
        word, _, count = line.partition(" ")
        if word.isalpha() and count.isdigit():
            out[word] = int(count)
    return out


def build_tolerance(
    *,
    spellings: dict[str, str],
    vocabulary: Iterable[str],
    inflectable: Iterable[str],
    exact: Iterable[str],
) -> Tolerance:
    """Work out every mapping once.

    `vocabulary` is every word in a phrase charley knows; `inflectable` the
    content words whose other forms may read as them; `exact` the words that
    must never be reached by a form or a slip (context cues, `no_inflection`).
    """
    import snowballstemmer

    stem = snowballstemmer.stemmer("english").stemWord
    vocab = frozenset(vocabulary)
    exact_words = frozenset(exact)
    english = english_words()
    canonical: dict[str, str] = {}

    # 2. word forms: one known word per stem, the shortest (then alphabetical)
    by_stem: dict[str, str] = {}
    for word in sorted(set(inflectable) - exact_words, key=lambda w: (len(w), w)):
        if word.isalpha() and len(word) >= MIN_FUZZY:
            by_stem.setdefault(stem(word), word)
    for word in sorted(english):
        if word in vocab or word in exact_words:
            continue
        target = by_stem.get(stem(word))
        if target is not None:
            canonical[word] = target
    # dropped g's: "crampin" -> "cramping", for any known "-ing" word
    for word in vocab:
        if word.endswith("ing") and len(word) > 5:
            short = word[:-1]
            if short not in vocab and short not in english:
                canonical[short] = word
                canonical[short + "'"] = word
    # 1. fixed spellings and text-speak win over everything
    canonical.update(spellings)

    # 3. typing slips: index the known content words by their one-letter
    # deletions (a long word's two slips are found by deleting twice from what
    # was typed; only two letters missing from one long word go unmatched, and
    # the index stays small enough to load fast)
    targets = sorted(w for w in vocab - exact_words if w.isalpha() and len(w) >= MIN_FUZZY)
    deletes: dict[str, list[str]] = {}
    for word in targets:
        for key in deletions(word, 1):
            deletes.setdefault(key, []).append(word)
    # strings, not tuples: the index loads on every start and strings unpickle faster
    index = {k: " ".join(v) for k, v in deletes.items()}
    probe = Tolerance({}, vocab, index, frozenset())
    near = frozenset(
        w
        for w in english
        if w not in vocab and len(w) >= MIN_FUZZY and probe._nearest(w) is not None
    )
    return Tolerance(canonical, vocab, index, near)
