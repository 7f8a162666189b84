"""Music for films: algorithmic scores, user audio files and the soundtrack mixer.

Nothing heavy is imported here.  ``schema`` (cheap) publishes the music
constructors; ``engine`` renders cues (pretty_midi → fluidsynth, or PyAV for
user files); ``mixer`` combines speech, effects and music into the film's
soundtrack; ``lyrics`` chants a voice line in the key of the current cue.
"""
