from matchsvc.orgs.routes import blp

__all__ = ["blp"]
