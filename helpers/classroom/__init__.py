"""Layer 6, the classroom: serving the browser edition to a room, and class mode (``make class``).

Server side only: nothing here is imported by the lessons, and ``tornado`` (the web framework Jupyter
ships) is imported only by these modules. :mod:`.static` serves the built site with its pre-compressed
files; :mod:`.serve` is ``make serve-site``.
"""
