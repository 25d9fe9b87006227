"""Render-only pieces of the page: they read an Explanation and never recompute maths."""
