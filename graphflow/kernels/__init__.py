"""Kernels: numba code generation for fused groups, the on-disk kernel cache, hand-written
kernels (softmax, conv, pooling), and the lowered, buffer-planned program (plan.py)."""
