"""Kernels: numba code generation for fused groups, the on-disk kernel cache, hand-written
kernels (softmax, conv, pooling) and their array-level entry points for eager (fast.py), what the
backend tells the passes (target.py), and the lowered, buffer-planned program (plan.py)."""
