"""Standalone peer scripts (TensorFlow, JAX, PyTorch) for `graphflow bench --peers`.

They never import graphflow: each runs in its own process, possibly under another interpreter,
and prints its rows as JSON (see peer_common.py for the protocol).
"""
