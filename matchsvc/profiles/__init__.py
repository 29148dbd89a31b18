from matchsvc.profiles.routes import blp

__all__ = ["blp"]
