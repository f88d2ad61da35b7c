"""How a cut SPARQL result says so in its own metadata, where its format has a place for it.

SPARQL JSON's `head.link` and SPARQL XML's `<link>` point to TRUNCATION_LINK; formats without a
place for metadata (CSV, TSV, RDF syntaxes) say nothing inside the data (a CSV reader would take
a note for a row): the HTTP headers say it for every format (chava.web.response_rules).
"""

from __future__ import annotations

import json
from typing import Final

TRUNCATION_LINK: Final = "https://w3id.org/chava/sparql#results-truncated"
"""The IRI a cut result links to (JSON and XML heads, the Link header; see the docs)."""


def mark_json_head(body: bytes) -> bytes:
    """A SPARQL JSON result with TRUNCATION_LINK in `head.link`."""
    document = json.loads(body)
    document["head"]["link"] = [TRUNCATION_LINK]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def mark_xml_head(body: bytes) -> bytes:
    """A SPARQL XML result with a `<link>` to TRUNCATION_LINK in its head."""
    link = f'<link href="{TRUNCATION_LINK}"/>'.encode()
    if b"</head>" in body:
        return body.replace(b"</head>", link + b"</head>", 1)
    return body.replace(b"<head/>", b"<head>" + link + b"</head>", 1)
