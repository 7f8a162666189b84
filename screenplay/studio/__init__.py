"""``screenplay studio``: a local page with the script beside its film, rebuilt on save."""
