"""Graph mode: the IR, sessions, the reference interpreter and export."""
