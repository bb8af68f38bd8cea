"""Preprocessing layers: feature normalisation, categorical encodings and image augmentation."""
