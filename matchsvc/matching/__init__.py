from matchsvc.matching.routes import blp

__all__ = ["blp"]
