"""Layer 4, the route explorer: ``explore()`` returns the dashboard (a RouteExplorer, ipywidgets);
``session()`` the same explorer without widgets (its state, scene, comparison table and share code)."""
from .app import RouteExplorer, explore
from .session import ExplorerSession, session

__all__ = ["RouteExplorer", "explore", "ExplorerSession", "session"]
