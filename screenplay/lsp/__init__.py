"""The language server (``screenplay lsp``): editor diagnostics, completion, hover, outline."""
