"""The Qt window over the core: everything here may import Qt; nothing in the core imports this."""
