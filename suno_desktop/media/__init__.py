"""Media files: downloading them safely, telling what they are, tagging them (import the modules themselves)."""
