"""Portfolios: import an inventory of friches in the CNIG standard, compute every path in the
background, decide where to start, export back (issue 16)."""
