"""The profiles domain; its blueprint is `blp`, imported on first use (`core.blueprints`)."""

from matchsvc.core.blueprints import lazy_blueprint

__all__ = ["blp"]
__getattr__ = lazy_blueprint(__name__)
