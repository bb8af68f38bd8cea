"""TensorBoard summaries: event files, gf.summary (TF2), gf.compat.v1.summary (TF1) and graph export.

The `tensorboard` package (its protocol buffers and record writer) is imported only when a summary
is encoded or a file is written, so `import graphflow` does not load it.
"""
