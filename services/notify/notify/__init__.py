"""The notify service: tells people what concerns them, in a form they can use."""
