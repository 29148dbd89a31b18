from matchsvc.interactions.routes import blp

__all__ = ["blp"]
