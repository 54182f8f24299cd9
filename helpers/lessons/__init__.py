"""Layer 5, lessons: the self-checking tasks of the notebooks.

:mod:`helpers.lessons.tasks` is the task framework; ``nbNN.py`` holds notebook
NN's tasks, registered when the module is imported (``check()`` imports them
all on first use).
"""
