"""Pictures: faces (a character's look) and sets (a scene's place).

The cheap entry point is :mod:`screenplay.pictures.schema` (constructor
schemas for the front end).  Everything that draws, loads or warps images
(:mod:`.engine`, :mod:`.portrait`, :mod:`.sets`, :mod:`.photo`, :mod:`.morph`,
:mod:`.camera`) imports numpy/OpenCV and is imported only when a build needs
pictures.  Nothing is imported here on purpose.
"""
