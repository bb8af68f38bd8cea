"""Graph -> Graph optimisation passes and the pass manager that runs them (see manager.py)."""
