"""The browser edition's build, as steps with one job each (tools/build_site.py runs them in order).

=============  ==============================================================================
``context``    the build context every step reads and adds to (paths, options, manifest)
``pins``       every pinned input: versions, file names, hashes
``fetch``      cached, hash-checked downloads (pip, the npm registry)
``wheels``     the kernel's wheels, the course wheel, the start-up wheel, what loads at start
``pyodide``    the offline Pyodide: verified against the official lock, bytecode added
``lite``       the notebooks, jupyter-lite.json, and JupyterLite's own build (with Voici)
``pages``      the landing page, the app view's fix-ups and its first picture
``offline``    installable and offline after one visit (manifest, service worker), pre-compressed files
=============  ==============================================================================
"""
