"""Render: the back end that turns a finished :class:`~screenplay.timeline.Timeline` into an MP4.

* :mod:`.compositor` draws every frame of a shot (cards, sets, talking faces,
  split screens, morphs, transitions, burned-in subtitles);
* :mod:`.retime` makes optical-flow in-betweens when motion is stretched;
* :mod:`.subtitles` writes ``.srt``/``.vtt`` sidecars and draws burned-in cues;
* :mod:`.encode` renders shots as cached H.264 segments (in parallel), joins
  them by stream copy and muxes the AAC soundtrack, subtitles and chapters.

Nothing heavy (PyAV, OpenCV, Pillow) is imported here on purpose; the entry
point is :func:`screenplay.render.encode.render_film`.
"""
