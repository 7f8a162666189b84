"""Staging and cinematography: who is in each scene, where they stand, how each beat is shot.

* :mod:`.presence` – who is present at each beat (speakers, characters named in
  action lines, "enters"/"leaves", ``[[enter]]``/``[[exit]]``);
* :mod:`.blocking` – where they stand (left/centre/right, near/far) and the
  perspective of the stage (figure height from the floor line);
* :mod:`.planner` – the shot grammar: one framing per beat by documented
  rules, ``[[shot …]]`` overrides, and the camera window of each framing;
* :mod:`.errors` – diagnostic codes SP0900–SP0919.

The pass that runs them is :mod:`screenplay.passes.staging`.
"""
