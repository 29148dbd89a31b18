from matchsvc.stats.routes import blp

__all__ = ["blp"]
