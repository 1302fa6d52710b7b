"""HTML document templates, placeholder filling, sanitising and PDF rendering."""
