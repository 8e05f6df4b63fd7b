"""The offline writer: real copy from per-tone phrase banks, sized to the target duration."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from app.content import phrases
from app.content.models import MAX_BEATS, MIN_BEATS, Beat, Brief, Script
from app.core.text import count_words, key_phrases, keywords, words

# About 20 spoken words (8 s at 2.5 w/s) per scene keeps the footage changing at the
# pace short-form viewers expect.
WORDS_PER_BEAT = 20
# Sizing aims inside ±4 % so that the ±10 % promise holds with room to spare.
AIM_RATIO = 0.04
# A fitted beat may overshoot its share by this many words; the final pass evens it out.
SLACK_WORDS = 2
# In a short script the hook and the call to action may take at most these shares of the
# words, or three beats no longer fit.
HOOK_SHARE = 0.3
CTA_SHARE = 0.25
# Odds that a beat's next sentence comes from the tone and general banks, not its own angle.
SHARED_SHARE = 0.4
# A middle beat opens with a lead-in ("Here's a real example.") only if it has this many
# words to spend: the promised sentence has to follow.
LEAD_MIN_SHARE = 12
# A tone opener ("Plot twist.") goes in front of about half the middle beats that have room.
OPENER_MIN_SHARE = 14
OPENER_ODDS = 0.5


@dataclass
class _Beat:
    angle: phrases.Angle
    scene: str
    lines: list[str] = field(default_factory=list)
    fixed: int = 0  # leading lines (opener, core sentence) the sizing pass never removes
    unused: list[str] = field(default_factory=list)  # the angle's own lines not yet spoken
    leads: list[str] = field(default_factory=list)  # its lead-ins not yet spoken
    lead_core: bool = False  # the core sentence is a lead-in

    @property
    def words(self) -> int:
        return sum(count_words(line) for line in self.lines)


def _rng(brief: Brief, stream: str) -> random.Random:
    # A str seed is hashed with SHA-512 by `random`: stable across processes and versions.
    return random.Random(f"{stream}|{brief.seed}|{brief.topic}|{brief.tone}|{brief.platform}")


def _shuffled(items: tuple[str, ...], rng: random.Random) -> list[str]:
    out = list(items)
    rng.shuffle(out)
    return out


def _append(beats: list[_Beat], spare: list[str], line: str) -> None:
    spare.remove(line)
    min(beats, key=lambda b: b.words).lines.append(line)


def _drop(beat: _Beat, spare: list[str], index: int) -> None:
    spare.append(beat.lines.pop(index))


def _swap_core(beat: _Beat, pool: list[str], index: int) -> None:
    core = beat.fixed - 1
    beat.lines[core], pool[index] = pool[index], beat.lines[core]


def _mixed(first: list[str], second: list[str], rng: random.Random) -> list[str]:
    both = first + second
    rng.shuffle(both)
    return both


def _take(pool: list[str], room: float) -> str | None:
    """Remove and return the first line of `pool` that fits in `room` words."""
    for i, line in enumerate(pool):
        if count_words(line) <= room:
            return pool.pop(i)
    return None


class TemplateWriter:
    """Writes scripts offline; the same brief (seed included) always gives the same script."""

    def write(self, brief: Brief) -> Script:
        """Hook, 3-7 beats and a call to action for the brief, within ±10 % of its length."""
        return self.write_variant(brief, 0)

    def max_variants(self, brief: Brief) -> int:
        """How many scripts with distinct hooks and calls to action the banks allow."""
        return min(len(self._hooks(brief)), len(self._ctas(brief)))

    def write_variant(self, brief: Brief, variant: int) -> Script:
        """Variant `variant`: its own hook and call to action, the same beat plan."""
        if not 0 <= variant < self.max_variants(brief):
            raise ValueError(f"variant must be in [0, {self.max_variants(brief)})")
        # The plan (beat count, angles, on-screen lines) is shared by every variant; only the
        # sentences filling it are re-fitted around each variant's hook and call to action.
        plan_rng = _rng(brief, "plan")
        n = self._beat_count(brief.target_words, plan_rng)
        angles = [phrases.FIRST, *plan_rng.sample(phrases.MIDDLE, n - 2), phrases.LAST]
        plan = [_Beat(angle, plan_rng.choice(angle.scenes)) for angle in angles]
        hook = self._fill(self._hooks(brief)[variant], brief, n)
        cta = self._fill(self._ctas(brief)[variant], brief, n)
        budget = brief.target_words - count_words(hook) - count_words(cta)
        beats = self._body(brief, _rng(brief, "body"), plan, budget)
        return Script(
            hook=hook,
            beats=[
                Beat(text=" ".join(b.lines), scene_text=b.scene,
                     keywords=self._keywords(brief.topic, b.angle, i))
                for i, b in enumerate(beats)
            ],
            call_to_action=cta,
            topic=brief.topic,
            language=brief.language,
            words_per_second=brief.words_per_second,
        )

    def _hooks(self, brief: Brief) -> list[str]:
        bank = _shuffled(phrases.HOOKS[brief.tone], _rng(brief, "hook"))
        return self._short_first(bank, brief, max(6, round(brief.target_words * HOOK_SHARE)))

    def _ctas(self, brief: Brief) -> list[str]:
        bank = phrases.CTAS[brief.platform] + phrases.TONE_CTAS[brief.tone]
        ordered = _shuffled(bank, _rng(brief, "cta"))
        return self._short_first(ordered, brief, max(4, round(brief.target_words * CTA_SHARE)))

    def _short_first(self, bank: list[str], brief: Brief, limit: int) -> list[str]:
        """The bank with lines that fit `limit` words first, each group in shuffled order."""
        # Fill in a provisional beat count: the {n} slot is one word whatever its value.
        return sorted(bank, key=lambda t: count_words(self._fill(t, brief, 3)) > limit)

    @staticmethod
    def _fill(template: str, brief: Brief, n: int) -> str:
        text = template.format(topic=brief.topic, audience=brief.audience, n=n,
                               secs=round(brief.target_duration_s))
        return text[:1].upper() + text[1:]

    @staticmethod
    def _beat_count(target_words: int, rng: random.Random) -> int:
        base = round(target_words / WORDS_PER_BEAT)
        if base >= 4:
            base += rng.choice((-1, 0, 0, 1))
        return min(MAX_BEATS, max(MIN_BEATS, base))

    def _body(
        self, brief: Brief, rng: random.Random, beats: list[_Beat], budget: int
    ) -> list[_Beat]:
        n = len(beats)

        def bank(lines: tuple[str, ...]) -> list[str]:
            return [self._fill(line, brief, n) for line in _shuffled(lines, rng)]

        # Tone lines come first so that even a short script carries the tone in its body.
        shared = bank(phrases.TONE_LINES[brief.tone]) + bank(phrases.GENERAL_LINES)
        openers = bank(phrases.OPENERS[brief.tone])
        bridges = bank(phrases.BRIDGES[brief.tone])
        remaining = budget
        for i, beat in enumerate(beats):
            angle = beat.angle
            share = remaining / (n - i)
            leads, own = bank(angle.leads), bank(angle.lines)
            own_lines = set(own)
            middle = 0 < i < n - 1
            if middle and share >= OPENER_MIN_SHARE and openers and rng.random() < OPENER_ODDS:
                beat.lines.append(openers.pop())
            # After an opener the beat goes straight to substance.
            may_lead = not beat.lines and (not middle or share >= LEAD_MIN_SHARE)
            choices = _mixed(leads, own, rng) if may_lead else list(own)
            core = _take(choices, share - beat.words + SLACK_WORDS)
            if core is None:
                core = min(choices, key=count_words)
            for pool in (leads, own):
                if core in pool:
                    pool.remove(core)
            beat.lines.append(core)
            beat.fixed = len(beat.lines)
            beat.leads = leads
            beat.lead_core = core not in own_lines
            refilled = False
            while beat.words < share - SLACK_WORDS:
                room = share + SLACK_WORDS - beat.words
                after_lead = len(beat.lines) == beat.fixed and beat.lead_core
                to_shared = not after_lead and rng.random() < SHARED_SHARE
                first, second = (shared, own) if to_shared else (own, shared)
                line = _take(first, room) or _take(second, room)
                if line is None and not shared and not refilled:
                    # Banks spent (scripts past ~2.5 minutes at 2.5 w/s): reuse shared lines.
                    shared = bank(phrases.TONE_LINES[brief.tone] + phrases.GENERAL_LINES)
                    refilled = True
                    continue
                if line is None:
                    break
                beat.lines.append(line)
            beat.unused = own
            remaining -= beat.words
        self._even_out(beats, brief.target_words - budget, brief.target_words, bridges + shared)
        return beats

    @staticmethod
    def _even_out(beats: list[_Beat], fixed_words: int, target: int, spare: list[str]) -> None:
        """Add, drop or swap lines until the total is within AIM_RATIO of the target."""
        tolerance = max(1, round(target * AIM_RATIO))
        for _ in range(8 * MAX_BEATS):
            diff = target - fixed_words - sum(b.words for b in beats)
            if abs(diff) <= tolerance:
                return
            # Each move: (words it adds, how to make it). The best one must shrink |diff|.
            moves: list[tuple[int, Callable[[], None]]] = []
            for line in spare:
                moves.append((count_words(line), partial(_append, beats, spare, line)))
            for beat in beats:
                for j in range(beat.fixed, len(beat.lines)):
                    moves.append((-count_words(beat.lines[j]), partial(_drop, beat, spare, j)))
                core = beat.lines[beat.fixed - 1]
                # A lead is swapped for a lead, a sentence for a sentence: the order stays sane.
                pool = beat.leads if beat.lead_core else beat.unused
                for k, other in enumerate(pool):
                    gain = count_words(other) - count_words(core)
                    moves.append((gain, partial(_swap_core, beat, pool, k)))
            if not moves:
                return
            gain, move = min(moves, key=lambda m: abs(diff - m[0]))
            if abs(diff - gain) >= abs(diff):
                return
            move()

    @staticmethod
    def _keywords(topic: str, angle: phrases.Angle, index: int) -> list[str]:
        """Footage search terms: the topic phrase, its words rotated per beat, an angle hint."""
        found = keywords(topic) or [w.lower() for w in words(topic)] or [topic.lower()]
        k = index % len(found)
        runs = key_phrases(topic) or [found[0]]
        ordered = [*runs, *found[k:], *found[:k], f"{runs[0]} {angle.footage}"]
        return list(dict.fromkeys(ordered))[:6]
