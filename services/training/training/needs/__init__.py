"""The needs inventory: problems raised to the forum, triaged, prioritised and linked to what answers them."""
