"""Documentation pages' content.

The ontology, the SHACL profile, a small graph index.
"""
