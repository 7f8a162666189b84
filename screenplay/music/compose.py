"""Algorithmic scores: turn a style, key, mood, tempo and seed into a MIDI score.

Each style is a small composer working on one shared plan: a chord grid
(chords from the mood's progressions, built by stacking thirds in the cue's
key) long enough to cover the whole span the cue must play, ending on the
tonic.  Because the score is *generated* for the full length rather than
looped, extending a cue never creates a seam; repetition is musical (phrases
of four chords, an AABA melody in ``music_box``) instead of a spliced loop.

Everything random comes from one :class:`random.Random` seeded by the style
and the seed, so a spec always yields the same notes.  The result is a
:class:`pretty_midi.PrettyMIDI`; :mod:`screenplay.music.synth` renders it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from screenplay.music.keys import Key

if TYPE_CHECKING:
    import pretty_midi

#: Bump when any composer changes the notes it writes (part of the cache key).
COMPOSER_VERSION = 4

#: Seconds of score written past the end of the span, so releases and reverb
#: tails at the cut are real music, not silence.
TAIL_SECONDS = 2.0


@dataclass(frozen=True)
class Mood:
    #: Chord progressions as scale degrees (0 = tonic), one chosen per phrase.
    progressions: tuple[tuple[int, ...], ...]
    velocity: int
    #: 0…1: how busy the ornamental parts are.
    density: float
    #: Whole octaves (in semitones) to move the register; dark sits lower.
    register: int = 0
    #: Add the chord's seventh (softer, jazzier colour).
    sevenths: bool = False


MOODS: dict[str, Mood] = {
    "calm": Mood(((0, 3, 0, 4), (0, 5, 3, 4), (0, 3, 5, 3)), 52, 0.45, sevenths=True),
    "melancholy": Mood(((0, 5, 3, 4), (0, 3, 5, 4), (0, 5, 2, 6)), 56, 0.65, sevenths=True),
    "tense": Mood(((0, 1, 0, 4), (0, 6, 5, 1), (0, 1, 5, 4)), 70, 0.9),
    "hopeful": Mood(((0, 4, 5, 3), (0, 3, 4, 0), (5, 3, 0, 4)), 64, 0.75),
    "dark": Mood(((0, 5, 0, 3), (0, 3, 1, 4), (0, 5, 3, 1)), 58, 0.5, register=-12),
    "playful": Mood(((0, 3, 4, 0), (0, 5, 3, 4), (0, 1, 4, 0)), 74, 1.0, register=0),
}


@dataclass(frozen=True)
class Chord:
    start: float  # seconds
    end: float
    degree: int  # scale degree of the root
    last: bool = False  # the final (tonic) chord, held to the end of the score


@dataclass
class Plan:
    """What every composer needs: key, timing, mood, randomness, instruments."""

    style: str
    key: Key
    mood: Mood
    bpm: float
    beats_per_bar: int
    bars_per_chord: int
    duration: float
    rng: random.Random
    programs: list[int]
    chords: list[Chord] = field(default_factory=list)

    @property
    def beat(self) -> float:
        return 60.0 / self.bpm

    @property
    def chord_seconds(self) -> float:
        return self.beat * self.beats_per_bar * self.bars_per_chord

    @property
    def end(self) -> float:
        return self.duration + TAIL_SECONDS

    def tones(self, degree: int, octave: int, count: int = 3) -> list[int]:
        """Pitches of the chord on ``degree`` stacked in thirds, from ``octave``."""
        n = 4 if (self.mood.sevenths and count == 3) else count
        return [self.key.pitch(degree + 2 * i, octave) + self.mood.register for i in range(n)]

    def pitch_classes(self, degree: int) -> set[int]:
        return {p % 12 for p in self.tones(degree, 4)}


def _make_chords(plan: Plan) -> list[Chord]:
    """Chord grid covering the span; the chord in which the span ends is the tonic."""
    length = plan.chord_seconds
    count = max(1, math.ceil(plan.duration / length))
    degrees: list[int] = []
    while len(degrees) < count:
        degrees.extend(plan.rng.choice(plan.mood.progressions))
    degrees = degrees[:count]
    degrees[-1] = 0
    chords = [Chord(i * length, (i + 1) * length, d) for i, d in enumerate(degrees)]
    last = chords[-1]
    chords[-1] = Chord(last.start, max(last.end, plan.end), 0, last=True)
    return chords


# --------------------------------------------------------------------------
# Note writing helpers
# --------------------------------------------------------------------------


class Part:
    """One instrument line; alternates between two MIDI channels when ``overlap`` is set
    so that a re-struck note can ring on while the next one swells (no cut-offs)."""

    def __init__(
        self,
        program: int,
        name: str,
        *,
        overlap: bool = False,
        drum: bool = False,
        tie: bool = False,
    ) -> None:
        import pretty_midi

        self.insts = [pretty_midi.Instrument(program=program, is_drum=drum, name=name)]
        if overlap:
            self.insts.append(
                pretty_midi.Instrument(program=program, is_drum=drum, name=name + " b")
            )
        self.turn = 0
        self.sounding: dict[tuple[int, int], Any] = {}
        #: Sustained parts hold a common tone across a chord change instead of re-striking it.
        self.tie = tie

    def flip(self) -> None:
        self.turn = (self.turn + 1) % len(self.insts)

    def note(self, pitch: int, start: float, end: float, velocity: float, limit: float) -> None:
        import pretty_midi

        start = max(0.0, start)
        end = min(end, limit)
        if end - start < 0.02:
            return
        # Fold by octaves into a playable range (keeps the pitch class, hence the key).
        while pitch < 28:
            pitch += 12
        while pitch > 108:
            pitch -= 12
        vel = int(min(127, max(1, round(velocity))))
        inst = self.insts[self.turn]
        # On one MIDI channel a note-off ends *every* sounding note of that pitch,
        # so an earlier overlapping note of the same pitch would silence this one:
        # cut the earlier note just before this one starts (or drop a duplicate).
        prev = self.sounding.get((self.turn, pitch))
        if self.tie and prev is not None and prev.end >= start - 0.06:
            prev.end = max(prev.end, end)
            return
        if prev is not None and prev.end > start - 0.002:
            if prev.start >= start - 0.01:
                return
            prev.end = start - 0.002
        note = pretty_midi.Note(vel, pitch, start, end)
        inst.notes.append(note)
        self.sounding[(self.turn, pitch)] = note

    def pedal(self, start: float, end: float) -> None:
        import pretty_midi

        inst = self.insts[self.turn]
        inst.control_changes.append(pretty_midi.ControlChange(64, 127, max(0.0, start)))
        inst.control_changes.append(pretty_midi.ControlChange(64, 0, max(0.0, end)))

    def instruments(self) -> list[Any]:
        return [i for i in self.insts if i.notes]


def _vel(plan: Plan, offset: float = 0.0, spread: float = 6.0) -> float:
    return plan.mood.velocity + offset + plan.rng.uniform(-spread, spread)


def _nearest(pitch: int, classes: set[int]) -> int:
    """The pitch closest to ``pitch`` whose pitch class is in ``classes`` (ties go down)."""
    for d in range(12):
        for cand in (pitch - d, pitch + d):
            if cand % 12 in classes:
                return cand
    return pitch


def _voice_lead(prev: list[int], classes: set[int], low: int, high: int) -> list[int]:
    """Move each voice to the nearest chord tone, then make sure every tone sounds."""
    voices = [min(high, max(low, _nearest(p, classes))) for p in prev]
    missing = [c for c in sorted(classes) if c not in {v % 12 for v in voices}]
    counts: dict[int, int] = {}
    for v in voices:
        counts[v % 12] = counts.get(v % 12, 0) + 1
    for c in missing:
        # Re-assign a doubled voice to the missing tone, choosing the cheapest move.
        doubled = [i for i, v in enumerate(voices) if counts[v % 12] > 1]
        if not doubled:
            break
        best = min(doubled, key=lambda i: abs(_nearest(voices[i], {c}) - voices[i]))
        counts[voices[best] % 12] -= 1
        voices[best] = _nearest(voices[best], {c})
        counts[c] = 1
    return sorted(voices)


# --------------------------------------------------------------------------
# The styles
# --------------------------------------------------------------------------


def _drone(plan: Plan) -> list[Any]:
    pad = Part(plan.programs[0], "pad", overlap=True)
    low = Part(plan.programs[1], "low", overlap=True)
    bell = Part(plan.programs[2], "bell")
    end = plan.end
    phrase = 4
    # The drone: tonic + fifth, re-struck every phrase with a beat of overlap.
    for i in range(0, len(plan.chords), phrase):
        start = plan.chords[i].start
        stop = plan.chords[min(i + phrase, len(plan.chords)) - 1].end + plan.beat
        for p in (plan.key.pitch(0, 2), plan.key.pitch(4, 2)):
            low.note(p + plan.mood.register, start, stop, _vel(plan, -4, 3), end)
        low.flip()
    for ch in plan.chords:
        for p in plan.tones(ch.degree, 3):
            pad.note(p, ch.start, ch.end + plan.beat, _vel(plan, -10, 3), end)
        pad.flip()
        # Rare bell tones high above, on a chord tone.
        if plan.rng.random() < 0.35 * plan.mood.density + 0.1:
            t = ch.start + plan.beat * plan.rng.randrange(plan.beats_per_bar * plan.bars_per_chord)
            p = plan.rng.choice(plan.tones(ch.degree, 5))
            bell.note(p, t, t + 4 * plan.beat, _vel(plan, -22, 5), end)
    return pad.instruments() + low.instruments() + bell.instruments()


def _piano(plan: Plan) -> list[Any]:
    piano = Part(plan.programs[0], "piano")
    end = plan.end
    eighth = plan.beat / 2
    busy = plan.mood.density >= 0.6
    melody = plan.key.pitch(2, 5) + plan.mood.register
    for ch in plan.chords:
        tones = plan.tones(ch.degree, 3)
        classes = plan.pitch_classes(ch.degree)
        piano.pedal(ch.start + 0.03, min(ch.end, end) - 0.03)
        # Left hand: the root low, and the fifth on beat 3.
        piano.note(tones[0] - 12, ch.start, ch.end, _vel(plan, 2), end)
        piano.note(tones[2] - 12, ch.start + 2 * plan.beat, ch.end, _vel(plan, -8), end)
        # Right hand: broken chord up and back down (eighths when busy, else quarters).
        arp = [tones[0], tones[1], tones[2], tones[0] + 12, tones[1] + 12]
        pattern = [0, 1, 2, 3, 4, 3, 2, 1] if busy else [0, 2, 3, 2]
        step = eighth if busy else plan.beat
        t = ch.start
        k = 0
        while t < ch.end - 1e-6 and t < end:
            accent = 4 if k % len(pattern) == 0 else 0
            piano.note(
                arp[pattern[k % len(pattern)]], t, t + step * 1.6, _vel(plan, -12 + accent), end
            )
            t += step
            k += 1
        if ch.last:
            continue
        # Melody: a chord tone on the downbeat, stepwise neighbours after.
        beat = 0
        while beat < plan.beats_per_bar * plan.bars_per_chord:
            t = ch.start + beat * plan.beat
            if beat == 0 or plan.rng.random() < 0.45 * plan.mood.density:
                if beat == 0:
                    melody = _nearest(melody + plan.rng.choice((-2, 0, 2)), classes)
                else:
                    melody = _nearest(
                        melody + plan.rng.choice((-2, -1, 1, 2)), plan.key.pitch_classes()
                    )
                low, high = plan.key.pitch(0, 5) - 3, plan.key.pitch(0, 6) + 4
                melody = _nearest(min(max(melody, low), high), plan.key.pitch_classes())
                length = plan.beat * plan.rng.choice((1, 2, 2, 3))
                piano.note(melody, t, min(t + length, ch.end), _vel(plan, 8), end)
                beat += max(1, round(length / plan.beat))
            else:
                beat += 1
    # The final chord rings out.
    last = plan.chords[-1]
    for p in plan.tones(0, 4):
        piano.note(p, last.start, end, _vel(plan, -4), end)
    return piano.instruments()


def _pulse(plan: Plan) -> list[Any]:
    bass = Part(plan.programs[0], "bass")
    pad = Part(plan.programs[1], "pad", overlap=True)
    drums = Part(0, "drums", drum=True)
    end = plan.end
    eighth = plan.beat / 2
    figures = ((0, 0, 12, 0, 0, 0, 7, 0), (0, 0, 0, 12, 0, 0, 0, 7), (0, 12, 0, 0, 7, 0, 12, 0))
    figure = plan.rng.choice(figures)
    kick = plan.mood.density >= 0.7
    for ci, ch in enumerate(plan.chords):
        if ci % 4 == 0:
            figure = plan.rng.choice(figures)
        root = plan.key.pitch(ch.degree, 1) + plan.mood.register
        if root < 33:
            root += 12
        fifth = plan.key.pitch(ch.degree + 4, 1) - plan.key.pitch(ch.degree, 1)
        for p in plan.tones(ch.degree, 3):
            pad.note(p, ch.start, ch.end + plan.beat, _vel(plan, -16, 2), end)
        pad.flip()
        n = round((min(ch.end, end) - ch.start) / eighth)
        for k in range(n):
            t = ch.start + k * eighth
            if ch.last and t > plan.duration:
                break
            accent = 10 if k % 8 == 0 else (4 if k % 2 == 0 else 0)
            step = figure[k % 8]
            if step == 7:  # "the fifth": the chord's own (diminished on ii° in minor)
                step = fifth
            bass.note(root + step, t, t + eighth * 0.8, _vel(plan, -6 + accent, 3), end)
            drums.note(42, t, t + 0.05, _vel(plan, -20 + accent, 4), end)  # closed hi-hat
            if kick and k % 4 == 0:
                drums.note(36, t, t + 0.1, _vel(plan, -4, 3), end)  # kick on beats 1 and 3
    return bass.instruments() + pad.instruments() + drums.instruments()


def _strings(plan: Plan) -> list[Any]:
    ensemble = Part(plan.programs[0], "strings", tie=True)
    cello = Part(plan.programs[1], "cello", tie=True)
    violin = Part(plan.programs[2], "violin")
    end = plan.end
    voices = [
        plan.key.pitch(0, 3) + 7,
        plan.key.pitch(2, 4),
        plan.key.pitch(4, 4),
        plan.key.pitch(0, 5),
    ]
    line = plan.key.pitch(4, 5) + plan.mood.register
    for ci, ch in enumerate(plan.chords):
        classes = plan.pitch_classes(ch.degree)
        voices = _voice_lead(voices, classes, 50, 81)
        for p in voices:
            ensemble.note(p + plan.mood.register, ch.start, ch.end + 0.05, _vel(plan, -6, 3), end)
        root = plan.key.pitch(ch.degree, 2) + plan.mood.register
        cello.note(
            root if root >= 36 else root + 12, ch.start, ch.end + 0.05, _vel(plan, -2, 3), end
        )
        # The violin line enters with the second phrase and moves in half notes.
        if ci >= 4 and not ch.last:
            half = plan.beat * 2
            t = ch.start
            while t < ch.end - 1e-6:
                if plan.rng.random() < 0.5 + 0.4 * plan.mood.density:
                    line = _nearest(line + plan.rng.choice((-2, -1, 0, 1, 2)), classes)
                    line = min(max(line, plan.key.pitch(0, 5)), plan.key.pitch(4, 6))
                    violin.note(line, t, t + half, _vel(plan, 0, 4), end)
                t += half
    return ensemble.instruments() + cello.instruments() + violin.instruments()


def _ambient(plan: Plan) -> list[Any]:
    warm = Part(plan.programs[0], "warm", overlap=True)
    choir = Part(plan.programs[1], "choir", overlap=True)
    celesta = Part(plan.programs[2], "celesta")
    end = plan.end
    # Pentatonic subset of the scale: no semitone clashes against the pads.
    penta = (0, 1, 2, 4, 5)
    for ch in plan.chords:
        overlap = plan.beat * 2
        for p in plan.tones(ch.degree, 3):
            warm.note(p, ch.start, ch.end + overlap, _vel(plan, -14, 2), end)
        warm.flip()
        for p in (plan.key.pitch(ch.degree, 4), plan.key.pitch(ch.degree + 4, 4)):
            choir.note(
                p + plan.mood.register,
                ch.start + plan.beat,
                ch.end + overlap,
                _vel(plan, -20, 2),
                end,
            )
        choir.flip()
        t = ch.start + plan.rng.uniform(0.5, 2.0) * plan.beat
        while t < ch.end and t < plan.duration:
            degree = plan.rng.choice(penta) + 7 * plan.rng.choice((0, 0, 1))
            celesta.note(plan.key.pitch(degree, 5), t, t + 3 * plan.beat, _vel(plan, -18, 6), end)
            t += (
                plan.beat * plan.rng.expovariate(1.0 / (1.0 + 3.0 * (1.0 - plan.mood.density)))
                + plan.beat
            )
    return warm.instruments() + choir.instruments() + celesta.instruments()


def _music_box(plan: Plan) -> list[Any]:
    box = Part(plan.programs[0], "box")
    harp = Part(plan.programs[1], "harp")
    end = plan.end
    bar = plan.beat * plan.beats_per_bar
    rhythms = ((1, 1, 1), (2, 1), (1, 0.5, 0.5, 1), (3,), (1.5, 0.5, 1))

    def phrase(rng: random.Random) -> list[tuple[float, int]]:
        """Four bars of (beats, scale-step) pairs: a motif, its echo, a turn, a close."""
        out: list[tuple[float, int]] = []
        for b in range(4):
            rhythm = rng.choice(rhythms[:-2] if b == 3 else rhythms)
            for r in rhythm:
                out.append((r, rng.choice((-2, -1, 1, 1, 2, 0))))
        return out

    a, b = phrase(plan.rng), phrase(plan.rng)
    form = [a, a, b, a]
    degree = 2  # melody position as a scale degree above the tonic (octave 5)
    for ci, ch in enumerate(plan.chords):
        tones = plan.tones(ch.degree, 3, count=3)
        for k, p in enumerate((tones[0], tones[2], tones[1] + 12)):
            t = ch.start + k * plan.beat
            harp.note(p, t, t + bar, _vel(plan, -14, 3), end)
        if ch.last:
            box.note(plan.key.pitch(7, 5), ch.start, ch.start + 3 * bar, _vel(plan, -2), end)
            continue
        # Melody: bar (ci % 16) of the AABA form; each bar belongs to one chord.
        motif = form[(ci // 4) % 4]
        bar_index = ci % 4
        bar_notes: list[tuple[float, float, int]] = []
        pos = 0.0
        for length, step in motif:
            if math.floor(pos / 3 + 1e-9) == bar_index:
                bar_notes.append((pos - 3 * bar_index, length, step))
            pos += length
        classes = plan.pitch_classes(ch.degree)
        for start, length, step in bar_notes:
            degree = min(max(degree + step, -2), 9)
            pitch = plan.key.pitch(degree, 5)
            if start == 0:  # downbeats land on chord tones
                pitch = _nearest(pitch, classes)
            t = ch.start + start * plan.beat
            box.note(
                pitch, t, t + length * plan.beat * 1.5, _vel(plan, 6 if start == 0 else 0), end
            )
    return box.instruments() + harp.instruments()


#: style → (composer, default GM programs for its parts, beats per bar, bars per chord)
COMPOSERS: dict[str, tuple[Callable[[Plan], list[Any]], tuple[int, ...], int, int]] = {
    "drone": (_drone, (89, 42, 14), 4, 1),  # Pad 2 (warm), Cello, Tubular Bells
    "piano": (_piano, (0,), 4, 1),  # Acoustic Grand Piano
    "pulse": (_pulse, (38, 88), 4, 2),  # Synth Bass 1, Pad 1 (new age)
    "strings": (_strings, (48, 42, 40), 4, 1),  # String Ensemble 1, Cello, Violin
    "ambient": (_ambient, (89, 91, 8), 4, 2),  # Pad 2 (warm), Pad 4 (choir), Celesta
    "music_box": (_music_box, (10, 46), 3, 1),  # Music Box, Orchestral Harp
}


def compose(
    style: str,
    key: Key,
    mood: str,
    bpm: float,
    duration: float,
    seed: int,
    programs: list[int] | None = None,
) -> pretty_midi.PrettyMIDI:
    """A score in ``style`` that covers ``duration`` seconds (plus a short tail)."""
    import pretty_midi

    composer, defaults, beats_per_bar, bars_per_chord = COMPOSERS[style]
    chosen = list(defaults)
    for i, p in enumerate(programs or []):
        if i < len(chosen):
            chosen[i] = p
    plan = Plan(
        style=style,
        key=key,
        mood=MOODS[mood],
        bpm=bpm,
        beats_per_bar=beats_per_bar,
        bars_per_chord=bars_per_chord,
        duration=duration,
        rng=random.Random(f"{style}:{seed}:{key.name}:{mood}"),
        programs=chosen,
    )
    plan.chords = _make_chords(plan)
    pm = pretty_midi.PrettyMIDI(initial_tempo=bpm)
    pm.instruments.extend(composer(plan))
    return pm
