"""Turning IRIs into links for pages: local paths for our IRIs, labels in the page language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from chava import namespaces
from chava.config import Settings
from chava.iri_mapping import local_path
from chava.labels import Label, pick_label

# Characters left as they are in an href: everything an IRI may carry that URLs allow.
_SAFE = "/#:@!$&'()*+,;=-._~%?"
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})
"""Schemes an IRI may have to be shown as a link."""


@dataclass(frozen=True)
class Link:
    """A link to show: where it goes, its text (and that text's language), the full IRI."""

    href: str
    """'' when the IRI must not be followed (see Linker.href)."""
    text: str
    language: str | None
    iri: str
    is_iri: bool
    """The text is a compact IRI: no label was found."""
    local: bool


class Linker:
    """Make links for one page: label fallbacks in *language*, our IRIs mapped to local paths.

    With *keep_language* (the default) local links carry `?lang=` on.
    """

    def __init__(
        self,
        settings: Settings,
        labels: Mapping[str, Mapping[str, str]],
        language: str,
        *,
        keep_language: bool = True,
    ) -> None:
        self.settings = settings
        self.labels = labels
        self.language = language
        self.keep_language = keep_language

    def label(self, iri: str) -> Label:
        """The label of *iri* with the fallback chain, down to its compact IRI."""
        return pick_label(iri, self.labels, self.language, self.settings.languages)

    def href(self, iri: str) -> str:
        """The local path for one of our IRIs (with ?lang= if kept), else the IRI itself.

        An IRI whose scheme is not a web one (`javascript:`, `data:`...) is valid RDF but must
        not become a link: its href is '' and templates show it as text.
        """
        path = local_path(self.settings, iri)
        if path is None:
            if urlsplit(iri).scheme.lower() not in LINK_SCHEMES:
                return ""
            return quote(iri, safe=_SAFE)
        return self.local(quote(path, safe=_SAFE))

    def local(self, href: str, **parameters: str | int) -> str:
        """Add query *parameters* (and the kept language) to a local *href*, before any #."""
        parts = urlsplit(href)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if self.keep_language:
            query["lang"] = self.language
        query.update({name: str(value) for name, value in parameters.items()})
        return urlunsplit(parts._replace(query=urlencode(query, safe=":/")))

    def link(self, iri: str) -> Link:
        """A Link to *iri* showing its label."""
        label = self.label(iri)
        is_local = local_path(self.settings, iri) is not None
        return Link(self.href(iri), label.text, label.language, iri, label.is_iri, is_local)

    def compact(self, iri: str) -> str:
        """The compact form of *iri* (`prefix:local`, or `<iri>`)."""
        return namespaces.compact_iri(iri)
