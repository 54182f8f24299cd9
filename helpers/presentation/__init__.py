"""Layer 3, presentation: figure style and plots, tables, HTML panels. Imports core, model and evidence.

matplotlib is imported here and above only, never by the model.
"""
