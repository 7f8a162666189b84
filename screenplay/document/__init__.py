"""The screenplay as a document: industry-format layout and its writers.

``layout`` turns the parsed script into positioned lines and pages (pure, no
PDF library); ``pdf``, ``fdx`` and ``html`` write those out; ``fmt`` is the
canonical source formatter; ``sheet`` lists the production (cast, sets, cues).
"""
