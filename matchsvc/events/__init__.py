from matchsvc.events.routes import blp

__all__ = ["blp"]
