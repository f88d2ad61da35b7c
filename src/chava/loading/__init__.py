"""Reading sources safely.

Which files, in which syntax, into which graphs; the shared profile's location; rdflib bridging.
"""
