"""Diagnostic codes of the document tools: print, fmt, lsp, studio (range SP1000–SP1019).

Merged into the registry by :mod:`screenplay.diagnostics.codes`, so
``screenplay explain SP1000`` shows the explanation.
"""

from __future__ import annotations

PRINTED_WITH_ERRORS = "SP1000"
NO_COURIER_PRIME = "SP1001"
CANNOT_WRITE = "SP1002"
FMT_UNSAFE = "SP1003"
FMT_WOULD_CHANGE = "SP1004"
STUDIO_BUILD_FAILED = "SP1005"

CODES: dict[str, tuple[str, str]] = {
    PRINTED_WITH_ERRORS: (
        "printed although the film has errors",
        "`screenplay print` prints the screenplay as written: errors about production (an "
        "unknown voice, a missing image file, a bad directive) do not change the printed "
        "page, so the document is still written. The errors are shown so they are not "
        "forgotten; `screenplay check` lists them alone.",
    ),
    NO_COURIER_PRIME: (
        "Courier Prime is not installed",
        "The PDF is set in Courier Prime, taken from Debian's `fonts-courier-prime` package "
        "(`apt-get install fonts-courier-prime`). Without it the PDF uses the PDF core font "
        "Courier, which has the same metrics (10 characters per inch), so pagination is "
        "unchanged, but it looks thinner and cannot print characters outside Latin-1.",
    ),
    CANNOT_WRITE: (
        "cannot write the output file",
        "The output path could not be written (a missing folder, no permission, a full "
        "disk). Nothing was written: outputs are written to a temporary file and renamed.",
    ),
    FMT_UNSAFE: (
        "formatting would change the film",
        "`screenplay fmt` checks that the file parses to the same elements before and after "
        "formatting (like Black's safe mode). It found a difference, so it left the file "
        "unchanged. This is a bug in the formatter; please report it with the file.",
    ),
    FMT_WOULD_CHANGE: (
        "file is not formatted",
        "`screenplay fmt --check` found a file that `screenplay fmt` would rewrite. Run "
        "`screenplay fmt FILE` to format it.",
    ),
    STUDIO_BUILD_FAILED: (
        "studio preview build failed",
        "The studio rebuilds the preview film each time the file is saved. This build "
        "failed; the page keeps the last film that built and shows the diagnostics inline.",
    ),
}
