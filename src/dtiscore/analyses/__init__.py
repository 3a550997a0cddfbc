"""Analyses over scored populations: comparison of two results, sustainability over
periods, roll-ups of units into parents, and the HTML report."""
