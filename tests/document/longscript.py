"""A deterministic long screenplay for pagination tests (about 25 pages).

Real scripts mix short exchanges with long speeches, parentheticals, dual
dialogue, transitions and paragraphs of action that run over a page break; a
seeded generator gives all of those in quantity, the same text every run.
"""

from __future__ import annotations

import random

WORDS = (
    "the light moves across the floor and nobody says a word about the window or the door "
    "that stands open on a street that is not quite there while the kettle cools slowly "
    "beside a book with empty pages someone keeps turning in case something arrives"
).split()
NAMES = ("ANNA", "TOM", "THE DOCTOR", "MRS. HALE", "OLD MAN")
PLACES = ("KITCHEN", "CLIFF PATH", "HOSPITAL CORRIDOR", "EMPTY ROOM", "LIGHTHOUSE STAIRS")


def sentence(rng: random.Random, lo: int = 4, hi: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice(".....?!")


def long_script(seed: int = 7, scenes: int = 30) -> str:
    rng = random.Random(seed)
    out = ["Title: The Long Night", "Credit: Written by", "Author: A seeded generator", ""]
    for n in range(1, scenes + 1):
        ie = rng.choice(("INT.", "EXT."))
        time = rng.choice(("DAY", "NIGHT", "DUSK"))
        out += [f"{ie} {rng.choice(PLACES)} - {time} #{n}#", ""]
        for _ in range(rng.randint(3, 9)):
            r = rng.random()
            if r < 0.3:
                out += [" ".join(sentence(rng) for _ in range(rng.randint(1, 9))), ""]
            elif r < 0.85:
                out.append(rng.choice(NAMES) + rng.choice(("", "", " (V.O.)", " (O.S.)")))
                for _k in range(rng.randint(1, 3)):
                    if rng.random() < 0.3:
                        out.append(
                            f"({' '.join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))})"
                        )
                    out.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 7))))
                out.append("")
            elif r < 0.92:
                a, b = rng.sample(NAMES, 2)
                out += [a, sentence(rng), "", b + " ^", sentence(rng), ""]
            else:
                out += [rng.choice(("CUT TO:", "DISSOLVE TO:", "SMASH CUT TO:")), ""]
    out += ["> THE END <", ""]
    return "\n".join(out)
