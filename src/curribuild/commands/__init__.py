"""One module per CLI command; each ``run`` returns an exit status."""
