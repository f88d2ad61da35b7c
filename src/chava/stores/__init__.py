"""Stores.

The built pyoxigraph store, the published view of it, or an external SPARQL engine (its
dialects, paging and outages).
"""
