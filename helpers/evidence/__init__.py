"""Layer 2, evidence: the bibliography, effect ranges, what the course documents say per route,
published observations and the provenance of every number. Imports core and model only.
"""
