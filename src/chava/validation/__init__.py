"""SHACL validation with any engine.

The input computed once, the engines, the compiled shapes, reports, the profile and its checks.
"""
