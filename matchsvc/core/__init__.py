"""Code shared by every domain: base model, auth decorators, pagination, clock."""
