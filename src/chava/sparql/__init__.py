"""The public SPARQL endpoint's core: protocol, screening, killable workers, results, catalogue.

Framework-free; `chava.web.sparql` adapts it to HTTP. Kept import-light on purpose: query
workers import `chava.sparql.worker` and should start fast.
"""
