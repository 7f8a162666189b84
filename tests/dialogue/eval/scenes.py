"""Twenty scene prompts for comparing dialogue models (docs/dialogue.md, "Choosing the model").

Each is the script before a ``[[generate 2 lines]]`` hole: a title page, the
cast with descriptions, a scene heading and a few lines.  They are written
to be varied (two- and three-hander scenes, an off-screen voice, a declared
narrator who must not speak, characters declared but absent from the scene)
so a model that ignores the cast or the scene shows it.
"""

from __future__ import annotations


def _scene(title: str, logline: str, cast: list[tuple[str, str]], body: str) -> str:
    decl = "\n".join(f'cast {n} "{d}"' for n, d in cast)
    return f"Title: {title}\nLogline: {logline}\n\n{decl}\n\n{body.strip()}\n\n"


SCENES: list[str] = [
    _scene(
        "The Radio Shack",
        "An astronaut in orbit and a radio operator in the desert keep each other awake.",
        [("MAYA", "an astronaut alone on a space station"), ("BEN", "a radio operator")],
        """EXT. DESERT RADIO SHACK - NIGHT

BEN sits at the radio, headphones on.

BEN
Station, this is Ben. Are you still awake up there?

MAYA (V.O.)
Still here. The Earth is turning under me and I can't sleep.""",
    ),
    _scene(
        "Last Order",
        "A waitress and a trucker share the last hour before a diner closes for good.",
        [
            ("RUTH", "a waitress in her sixties"),
            ("CAL", "a long-haul trucker"),
            ("NARRATOR", "the narrator"),
        ],
        """INT. ROADSIDE DINER - NIGHT

Rain on the windows. RUTH wipes the counter. CAL nurses a coffee.

CAL
You're really closing it?

RUTH
Forty years is long enough for a grill to stay hot.

CAL
Where will I stop on the way to Tulsa?""",
    ),
    _scene(
        "The Interview",
        "A tired detective questions a suspect who may be telling the truth.",
        [("DETECTIVE HALE", "a tired detective"), ("NOAH", "a nervous young suspect")],
        """INT. POLICE STATION - INTERVIEW ROOM - NIGHT

A bare table. A tape recorder. NOAH picks at his sleeve.

DETECTIVE HALE
Where were you at nine o'clock?

NOAH
At home. I told the other officer. I was at home.

DETECTIVE HALE
Alone?""",
    ),
    _scene(
        "Flour",
        "A mother teaches her grown daughter the family bread recipe before moving away.",
        [("MARGARET", "a mother, precise and warm"), ("ELLIE", "her grown daughter")],
        """INT. FARMHOUSE KITCHEN - MORNING

Flour everywhere. MARGARET kneads. ELLIE watches.

ELLIE
You never measure anything.

MARGARET
My hands measure. Give me yours.""",
    ),
    _scene(
        "No Man's Land",
        "Two soldiers on opposite sides share a shell hole until dawn.",
        [("THOMAS", "a young British soldier"), ("KARL", "a German soldier, older")],
        """EXT. SHELL CRATER - NIGHT

Mud. Flares in the distance. THOMAS and KARL sit on opposite sides of the crater.

THOMAS
Do you speak English?

KARL
Enough to know you are as cold as I am.""",
    ),
    _scene(
        "Results",
        "A doctor has to tell a patient news she has been dreading.",
        [("DR. OKAFOR", "a gentle doctor"), ("JUNE", "a patient in her forties")],
        """INT. HOSPITAL - CONSULTING ROOM - DAY

JUNE sits very straight. DR. OKAFOR closes a folder.

JUNE
Just tell me. I've been rehearsing my face all week.

DR. OKAFOR
Then you can stop rehearsing. It's not what we feared.""",
    ),
    _scene(
        "Detention",
        "A teacher and a student stuck in detention discover they read the same books.",
        [("MR. PIKE", "a strict history teacher"), ("LENA", "a sullen fifteen-year-old")],
        """INT. SCHOOL CLASSROOM - AFTERNOON

The clock ticks. LENA reads a battered paperback under the desk.

MR. PIKE
What are you reading?

LENA
Nothing you'd like.""",
    ),
    _scene(
        "The Porch",
        "An old couple watch their street change on the last evening in their house.",
        [("WALTER", "an old man"), ("IRIS", "his wife of fifty years")],
        """EXT. FRONT PORCH - DUSK

Two rocking chairs. WALTER and IRIS watch the street.

IRIS
The new people painted the fence yellow.

WALTER
Yellow. Who paints a fence yellow?""",
    ),
    _scene(
        "The Vault",
        "Three thieves realise the vault they broke into is empty.",
        [("DEX", "the planner"), ("SOFIA", "the safecracker"), ("MILO", "the driver")],
        """INT. BANK VAULT - NIGHT

The vault door swings open. Nothing inside. DEX, SOFIA and MILO stare.

MILO
Where's the money?

SOFIA
There was never any money. Look at the dust.

DEX
Nobody move. Let me think.""",
    ),
    _scene(
        "Salt",
        "A young chef faces the critic who closed her father's restaurant.",
        [("ANA", "a young chef"), ("VICTOR", "a famous food critic")],
        """INT. RESTAURANT KITCHEN - NIGHT

VICTOR stands at the pass. ANA plates a single dish.

VICTOR
You know who I am.

ANA
Everyone in this kitchen knows who you are. Sit down and eat.""",
    ),
    _scene(
        "The Keeper",
        "A lighthouse keeper receives an unexpected visitor during a storm.",
        [("ELIAS", "an old lighthouse keeper"), ("NORA", "a soaked stranger")],
        """INT. LIGHTHOUSE - LAMP ROOM - NIGHT

Wind howls. A knock. ELIAS opens the hatch. NORA climbs in, drenched.

NORA
I saw your light. My boat is gone.

ELIAS
Then the light did its job. Sit by the stove.""",
    ),
    _scene(
        "After the Funeral",
        "A brother and sister argue about their father's house.",
        [
            ("SAM", "the older brother"),
            ("CLARE", "his younger sister"),
            ("NARRATOR", "the narrator"),
        ],
        """INT. FATHER'S HOUSE - LIVING ROOM - DAY

Boxes. Sheets over furniture. SAM holds a photograph.

CLARE
We have to sell it, Sam.

SAM
He built the shelves himself. Every one of them.""",
    ),
    _scene(
        "Holding Pattern",
        "Two pilots circle a fogbound airport, low on fuel.",
        [
            ("CAPTAIN REYES", "a calm captain"),
            ("FIRST OFFICER KIM", "a young co-pilot"),
            ("TOWER", "the control tower"),
        ],
        """INT. COCKPIT - NIGHT

Fog outside. Instruments glow.

TOWER (V.O.)
Flight two-one-seven, hold at current altitude.

FIRST OFFICER KIM
Fuel for twenty minutes, Captain.

CAPTAIN REYES
Then we have nineteen minutes to be patient.""",
    ),
    _scene(
        "Short Back and Sides",
        "A barber and a regular customer talk around the thing neither will say.",
        [("GUS", "an old barber"), ("TONY", "a regular customer")],
        """INT. BARBERSHOP - DAY

Scissors snip. TONY in the chair. GUS works.

GUS
Same as always?

TONY
Shorter. I have a thing on Saturday.""",
    ),
    _scene(
        "The Plea",
        "A public defender tries to convince her client to take a deal.",
        [("ROSA", "a public defender"), ("DANNY", "her client, nineteen")],
        """INT. COURTHOUSE - HOLDING ROOM - DAY

DANNY in an orange jumpsuit. ROSA spreads papers.

ROSA
They're offering two years. Two, Danny.

DANNY
For something I didn't do.""",
    ),
    _scene(
        "Round Nine",
        "A boxer and his coach between rounds of a fight he is losing.",
        [("MICKEY", "a boxer past his prime"), ("SAL", "his coach")],
        """INT. BOXING RING - CORNER - NIGHT

MICKEY slumps on the stool. SAL presses ice to his eye.

SAL
You're dropping your left. Every time.

MICKEY
I can't see his right coming.""",
    ),
    _scene(
        "Dry Season",
        "Two farmers watch the sky for rain that does not come.",
        [("HENRY", "an old farmer"), ("JOSEPH", "his neighbour")],
        """EXT. WHEAT FIELD - DAY

Cracked earth. HENRY and JOSEPH lean on a fence.

JOSEPH
Radio says maybe Thursday.

HENRY
Radio said maybe last Thursday.""",
    ),
    _scene(
        "Off the Record",
        "A journalist confronts a politician in a parking garage.",
        [("KATE", "an investigative journalist"), ("SENATOR BLAIR", "a senator")],
        """INT. PARKING GARAGE - NIGHT

Echoing footsteps. KATE steps out from behind a pillar.

SENATOR BLAIR
You're not supposed to be down here.

KATE
Neither is the money you moved on Tuesday.""",
    ),
    _scene(
        "Unit Seven",
        "A household robot and a lonely child talk during a power cut.",
        [("UNIT SEVEN", "a household robot"), ("PIP", "a girl of eight")],
        """INT. APARTMENT - NIGHT

Power cut. Only the robot's eyes glow. PIP hugs her knees.

PIP
Are you scared of the dark?

UNIT SEVEN
I do not have a setting for scared. I have a torch.""",
    ),
    _scene(
        "The Visitor",
        "A widow talks to her husband's ghost at the kitchen table.",
        [("EDITH", "a widow"), ("ARTHUR", "her late husband, a ghost")],
        """INT. COTTAGE KITCHEN - NIGHT

A single candle. EDITH sets two cups. ARTHUR sits across from her, faint.

EDITH
You always let your tea go cold.

ARTHUR
I liked watching you make it more than drinking it.""",
    ),
]

assert len(SCENES) == 20
