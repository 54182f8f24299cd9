"""Layer 4, the route explorer dashboard (ipywidgets): ``explore()`` returns a RouteExplorer."""
from .app import RouteExplorer, explore

__all__ = ["RouteExplorer", "explore"]
