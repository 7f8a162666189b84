"""Auto-casting: a distinct, deterministic voice for every undeclared speaking character.

Rules, in order:

1. Characters are taken in the order given (the resolve pass passes them in
   order of first appearance), and each picks before the next, so adding a
   character *later* in the script never changes the voices of earlier ones.
2. A character never gets a preset already ``taken`` (declared by the film)
   or picked for an earlier character while an unused one remains; only when
   every preset is in use are voices shared, least-used first.
3. A name that says its sex ("WOMAN", "OLD MAN", "MRS. PARK", "GIRL") prefers
   a preset whose description says the same ("female"/"male").
4. ``NARRATOR`` prefers a preset with "narrator" in its name or description;
   other characters take narrator presets last.
5. Ties are broken by a hash of (character, preset), so the choice is stable
   across runs and machines but not alphabetical (two films do not all cast
   the same first preset).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from screenplay.backends.protocols import AssetSpec

_FEMALE = {
    "WOMAN",
    "WOMEN",
    "GIRL",
    "MRS",
    "MS",
    "MISS",
    "LADY",
    "MOTHER",
    "MOM",
    "MUM",
    "MA",
    "SISTER",
    "AUNT",
    "AUNTIE",
    "QUEEN",
    "WIFE",
    "GRANDMA",
    "GRANDMOTHER",
    "DAUGHTER",
    "NUN",
    "ACTRESS",
    "WAITRESS",
    "PRINCESS",
    "MADAM",
    "MADAME",
    "BRIDE",
    "HER",
    "SHE",
    "NIECE",
    "DUCHESS",
    "GIRLFRIEND",
    "MAID",
    "WITCH",
    "HOSTESS",
    "MISTRESS",
}
_MALE = {
    "MAN",
    "MEN",
    "BOY",
    "MR",
    "SIR",
    "LORD",
    "FATHER",
    "DAD",
    "PA",
    "BROTHER",
    "UNCLE",
    "KING",
    "HUSBAND",
    "GRANDPA",
    "GRANDFATHER",
    "SON",
    "PRIEST",
    "MONK",
    "ACTOR",
    "WAITER",
    "PRINCE",
    "GROOM",
    "HIM",
    "HE",
    "NEPHEW",
    "DUKE",
    "BOYFRIEND",
    "GUY",
    "GENTLEMAN",
    "FELLOW",
    "WIZARD",
    "HOST",
    "MASTER",
}


def sex_of_name(name: str) -> str | None:
    """``"f"``, ``"m"`` or ``None`` from words in a character name (``"OLD WOMAN"`` → ``"f"``)."""
    words = re.findall(r"[A-Z]+", name.upper())
    # The last word that says something wins: "MAN'S WIFE" is a woman.
    for word in reversed(words):
        if word in _FEMALE:
            return "f"
        if word in _MALE:
            return "m"
    return None


def sex_of_preset(name: str, spec: AssetSpec) -> str | None:
    """``"f"``/``"m"``/``None`` from a preset's description (``"… soft female …"``)."""
    text = f"{spec.label} ".lower()
    if re.search(r"\b(female|woman|girl|feminine)\b", text):
        return "f"
    if re.search(r"\b(male|man|boy|masculine)\b", text):
        return "m"
    return None


def _is_narrator(name: str, spec: AssetSpec) -> bool:
    return "narrator" in name.lower() or "narrator" in spec.label.lower()


def _tiebreak(character: str, preset: str) -> str:
    return hashlib.sha256(f"{character.upper()}\0{preset}".encode()).hexdigest()


def default_voices(
    names: list[str], presets: dict[str, AssetSpec], taken: set[str]
) -> dict[str, str]:
    """Map each undeclared speaking character in ``names`` to a preset name.

    ``taken`` holds presets the film already bound explicitly; they are used
    only once every other preset is in use.  Deterministic: the same inputs
    always give the same result.
    """
    if not presets:
        return {}
    use: Counter[str] = Counter({p: 1 for p in taken if p in presets})
    chosen: dict[str, str] = {}
    for character in names:
        if character in chosen:
            continue
        want = sex_of_name(character)
        narrator = character.strip().upper() == "NARRATOR"

        def rank(
            p: str, character: str = character, want: str | None = want, narrator: bool = narrator
        ) -> tuple[int, int, int, str]:
            spec = presets[p]
            sex = sex_of_preset(p, spec)
            sex_miss = 0 if want is None or sex == want else (1 if sex is None else 2)
            narr = _is_narrator(p, spec)
            narr_miss = 0 if narr == narrator else 1
            # Use count first (distinct voices), then fit, then the stable hash.
            return (use[p], narr_miss + sex_miss, 0, _tiebreak(character, p))

        best = min(presets, key=rank)
        chosen[character] = best
        use[best] += 1
    return chosen


def narrator_voice(presets: dict[str, AssetSpec], taken: set[str]) -> str | None:
    """The preset that voices an uncast narrator: NARRATOR cast by rule 4, after everyone.

    The bind pass calls this for a narrated film without a ``NARRATOR`` in its
    cast, so the narrator is chosen exactly as a speaking ``NARRATOR`` would be.
    """
    return default_voices(["NARRATOR"], presets, taken).get("NARRATOR")
