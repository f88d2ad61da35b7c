"""The build's catalogue index: listings and search, written by `chava build`, shared on disk.

One SQLite file per build (`index.sqlite`, beside the store), written once by `chava build`
(chava.search.build) and opened read-only and memory-mapped by every web worker
(chava.search.index): the API listings and the search need no warm-up, and every process reads
the same pages of the kernel's cache. Full-text search is SQLite's FTS5 with the `unicode61`
tokenizer (`remove_diacritics 2`): case and accents ignored, prefix indexes for search as you
type, BM25 ranking.
"""
