"""Layer 5, lessons: each notebook's lesson (its answer widgets, explorer and the learner's kept work) and the
self-checking tasks.

:mod:`.lesson` is a notebook's lesson (``helpers.lesson("01_route_explorer")``), :mod:`.store` where the
learner's answers are kept, :mod:`.widgets` the answer widgets, :mod:`.answers` how typed answers are read,
:mod:`.tasks` the task framework; ``nbNN.py`` declares notebook NN's tasks (``helpers.lessons.tasks.TASKS``
collects them on first use).
"""
