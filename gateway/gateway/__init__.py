"""The HTTP gateway: the only HTTP entry to the suite."""
