from matchsvc.reviews.routes import blp

__all__ = ["blp"]
