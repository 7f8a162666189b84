"""Variants: many films from one source, rated by their audience, rendered on a cluster.

* :mod:`~screenplay.variants.axes` — the axes a film leaves open and a stable id per variant;
* :mod:`~screenplay.variants.select` — choose a variant and lower the film to it (before resolve);
* :mod:`~screenplay.variants.feedback` — viewers' ratings and watch times (JSONL);
* :mod:`~screenplay.variants.model` — Bayesian model per axis, Thompson sampling (``tune``);
* :mod:`~screenplay.variants.review` — the static review page viewers rate variants on;
* :mod:`~screenplay.variants.errors` — diagnostic codes SP1100–SP1129.

Where the work of many variants runs (local processes or Ray) is
:mod:`screenplay.executor`, shared with every build.
"""
