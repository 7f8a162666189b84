"""CLI subcommands, one module each (``NAME``, ``HELP``, ``configure``, ``run``)."""
