"""Document models (Pydantic v2): one module per document kind."""
