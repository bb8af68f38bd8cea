"""Eager mode: values computed now, and the gradient tape."""
