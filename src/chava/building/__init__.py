"""Builds.

Made from the sources, verified, leased, logged, dumped and described.
"""
