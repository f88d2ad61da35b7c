"""The network of cities.

`chava init`, harvesting a partner, publishing to an engine, safe HTTP to remote sources.
"""
