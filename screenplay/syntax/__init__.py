"""The front end's syntax layer: source files, spans, line classifier, grammar, AST."""
