"""Talking to a Suno API relay: the client, submits, the normalised model and its errors.

Import the modules themselves: the package imports nothing, so that reading a relay's text or an
error does not load the HTTP stack.
"""
