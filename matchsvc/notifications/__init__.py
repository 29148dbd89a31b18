from matchsvc.notifications.routes import blp

__all__ = ["blp"]
