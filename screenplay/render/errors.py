"""Diagnostic codes of the renderer, the encoder and the build's boundary (SP0800–SP0899).

The renderer raises :class:`~screenplay.backends.protocols.BackendError` with
one of these codes for failures the user can fix (an output folder that
cannot be written, a full disk, a missing encoder in the installed PyAV).
Internal inconsistencies (a timeline whose shots do not tile the film) are
bugs in an earlier pass and raise ``ValueError`` instead.  The diagnostics
registry (:mod:`screenplay.diagnostics.codes`) reads :data:`CODES`.
"""

from __future__ import annotations

from screenplay.backends.protocols import OUTSIDE_PROJECT, BackendError

OUTPUT_NOT_WRITABLE = "SP0800"
DISK_FULL = "SP0801"
OUTPUT_IS_DIRECTORY = "SP0802"
ENCODER_MISSING = "SP0803"
CACHE_NOT_WRITABLE = "SP0804"
BAD_SOUNDTRACK = "SP0805"
# The build's boundary with the outside world (command line, files, processes).
BAD_FLAG = "SP0806"
OUTPUT_IS_INPUT = "SP0807"
INPUT_UNREADABLE = "SP0808"
# OUTSIDE_PROJECT (SP0809) is raised by protocols.resolve_user_path; explained here.
WORKERS_FAILED = "SP0810"

CODES: dict[str, tuple[str, str]] = {
    OUTPUT_NOT_WRITABLE: (
        "output folder not writable",
        "The film is written to a temporary file beside the output (`-o OUT.mp4`) and "
        "renamed into place when it is complete, so the output's folder must exist or be "
        "creatable, and must be writable by you. Choose another `-o` path or fix the "
        "folder's permissions.",
    ),
    DISK_FULL: (
        "disk full while writing the film",
        "The disk filled up while an encoded shot, the soundtrack or the film itself was "
        "being written. Nothing half-written was kept: the previous output (if any) is "
        "untouched and the cache holds only complete entries. Free some space (the cache "
        "folder, `$SCREENPLAY_CACHE_DIR` or `~/.cache/screenplay`, can be deleted safely) "
        "and build again; shots already encoded are reused.",
    ),
    OUTPUT_IS_DIRECTORY: (
        "output path is a folder",
        "`-o` names an existing folder, not a file. Give a file name such as "
        "`films/empty-room.mp4`.",
    ),
    ENCODER_MISSING: (
        "video or audio encoder not available",
        "The installed PyAV has no `libx264` (H.264) or `aac` encoder. The PyAV wheels "
        "from PyPI bundle both; a PyAV built against a system FFmpeg without libx264 does "
        "not. Reinstall with `pip install --force-reinstall av`.",
    ),
    CACHE_NOT_WRITABLE: (
        "cache folder not writable",
        "Encoded shots are stored in the cache (`$SCREENPLAY_CACHE_DIR`, else "
        "`$XDG_CACHE_HOME/screenplay` or `~/.cache/screenplay`) so that the next build "
        "re-encodes only what changed. That folder could not be created or written. Point "
        "`SCREENPLAY_CACHE_DIR` at a writable folder.",
    ),
    BAD_SOUNDTRACK: (
        "soundtrack does not fit the film",
        "The mixed soundtrack handed to the renderer is not audio the film can carry "
        "(not mono or stereo numeric audio, or it contains NaN or infinite samples). "
        "This points at a bug in the mixer; please report it.",
    ),
    BAD_FLAG: (
        "invalid command-line value",
        "A flag was given a value the build cannot use: `--fps` takes a rate from 1 to 120 "
        "(`24`, `12.5`, `30000/1001`), `--size` an even `WIDTHxHEIGHT` from 16x16 to "
        "7680x4320, `--jobs` a whole number from 1 to 64, `-o` a file name (not a folder). "
        "`screenplay COMMAND --help` lists every flag.",
    ),
    OUTPUT_IS_INPUT: (
        "output would overwrite an input",
        "The output path (the film, or its `.srt`/`.vtt` subtitles beside it) names a file the "
        "build reads: the screenplay itself, its `.lock`, a module it `use`s, or a face, set or "
        "music file. Writing there would destroy it, so nothing was built. This happens with "
        "`screenplay build s.film -o s.film`, or with a screenplay named `movie.mp4` (the film "
        "would be written over it). Choose another `-o`, e.g. `-o s.mp4`.",
    ),
    INPUT_UNREADABLE: (
        "a file the film uses cannot be read",
        "The build could not read a file it needs (a face or set image, a music file, a module): "
        "it vanished after the check, its permissions forbid reading, or the disk reported an "
        "error. The message names the file and the operating system's reason.",
    ),
    OUTSIDE_PROJECT: (
        "file outside the film's project",
        "A `face:`, `image:`, `music:` or other file path, or a `use`d module, lies outside the "
        "film's project: the film's folder, or the git repository that contains it. An absolute "
        "path, `..` or a symbolic link can point anywhere on your computer, and whatever it names "
        "would be embedded in the film you share, so a film you downloaded could copy your "
        "pictures or recordings into its output. Copy the file into the project, or build with "
        "`--allow-outside-assets` if you trust this film.",
    ),
    WORKERS_FAILED: (
        "worker processes failed",
        "Shots are rendered in worker processes (`--jobs`). One of them died before finishing "
        "(killed by the system, e.g. for lack of memory, or it could not start). Nothing was "
        "written. Build again with `--jobs 1` to render in one process, and report the problem "
        "if it persists.",
    ),
}


def error(code: str, message: str, help: str = "") -> BackendError:
    """A :class:`BackendError` for one of this module's codes (help defaults to the explanation)."""
    if code not in CODES:
        raise KeyError(code)
    return BackendError(code, message, help or CODES[code][1])
