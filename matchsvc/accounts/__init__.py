from matchsvc.accounts.routes import blp

__all__ = ["blp"]
