"""One synthetic learning city: its place, government, membership, initiative and ecosystem."""

from __future__ import annotations

import random
from typing import Final

from chava.generate import vocabulary as v
from chava.generate import words
from chava.generate.ecosystem import add_actor, add_event, add_tool
from chava.generate.nquads import GraphWriter, iri, literal, typed

ACTORS_PER_CITY: Final = (46, 62)
TOOLS_PER_CITY: Final = (18, 26)
EVENTS_PER_CITY: Final = (16, 24)
WORKING_GROUPS_PER_CITY: Final = (3, 5)


class CityGenerator:
    """Write the statements of city number *index* into *writer* (its own named graph)."""

    def __init__(self, writer: GraphWriter, *, index: int, seed: int) -> None:
        self.out = writer
        # One stream per city: a city's triples do not depend on how many cities come first.
        self.random = random.Random(seed * 1_000_003 + index)
        self.name = words.city_name(index, seed)
        self.slug = words.city_slug(index, seed)
        self.local_language = self.random.choice(words.LOCAL_LANGUAGES)
        self.languages = ("fr", "en", self.local_language)
        self.source = writer.thing("source", f"{self.slug}-profile")
        self.place = writer.thing("place", self.slug)
        self.government = writer.thing("organization", f"ville-de-{self.slug}")
        self.initiative = writer.thing("initiative", f"{self.slug}-ville-apprenante")
        self.themes = self.random.sample(range(len(words.TOPICS)), 6)
        self.actors: list[str] = []

    def generate(self) -> None:
        """Write every resource of the city."""
        self._source()
        self._place()
        self._government()
        self._membership()
        self._initiative()
        self._governance()
        for number in range(self.random.randint(*ACTORS_PER_CITY)):
            add_actor(self, number)
        for number in range(self.random.randint(*TOOLS_PER_CITY)):
            add_tool(self, number)
        for number in range(self.random.randint(*EVENTS_PER_CITY)):
            add_event(self, number)

    # --- helpers shared with chava.generate.ecosystem ----------------------------------

    def labels(self, subject: str, labels: dict[str, str]) -> None:
        for language in self.languages:
            self.out.add(subject, v.LABEL, literal(labels[language], language))

    def described(self, subject: str, texts: dict[str, str]) -> None:
        for language in ("fr", "en"):
            self.out.add(subject, v.DESCRIPTION, literal(texts[language], language))
        self.out.add(subject, v.SOURCE, self.source)

    def contact(self, subject: str, mailbox: str) -> None:
        contact = self.out.blank()
        self.out.add(subject, v.CONTACT_POINT_OF, contact)
        self.out.add(contact, v.A, v.CONTACT_POINT)
        self.out.add(contact, v.EMAIL, literal(f"{mailbox}@{self.slug}.example.org"))
        self.out.add(contact, v.LABEL, literal(f"Point de contact : {mailbox}", "fr"))
        self.out.add(contact, v.LABEL, literal(f"Contact point: {mailbox}", "en"))
        self.out.add(contact, v.CONTACT_TYPE, literal("information", "en"))
        self.out.add(contact, v.SOURCE, self.source)
        for language in ("fr", "en"):
            self.out.add(contact, v.AVAILABLE_LANGUAGE, literal(language))

    def theme(self, number: int) -> str:
        return self.out.thing("concept", f"theme/{words.TOPIC_SLUGS[number]}")

    def date(self, first_year: int, last_year: int) -> str:
        year = self.random.randint(first_year, last_year)
        return f"{year}-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}"

    # --- resources -------------------------------------------------------------------------

    def _source(self) -> None:
        self.out.add(self.source, v.A, v.PROV_ENTITY)
        self.out.add(self.source, v.A, v.SOURCE_DOCUMENT)
        for language, title in (
            ("fr", f"Profil de {self.name}, ville apprenante"),
            ("en", f"{self.name} learning city profile"),
        ):
            self.out.add(self.source, v.LABEL, literal(title, language))
            self.out.add(self.source, v.TITLE, literal(title, language))
        self.out.add(self.source, v.LANGUAGE, literal("fr"))
        self.out.add(self.source, v.URL, iri(f"https://{self.slug}.example.org/profile.html"))
        self.out.add(self.source, v.CREATED, typed(self.date(2020, 2025), "date"))

    def _place(self) -> None:
        self.out.add(self.place, v.A, v.CITY)
        self.labels(self.place, dict.fromkeys(words.LANGUAGES, self.name))
        self.out.add(self.place, v.ADDRESS_COUNTRY, literal(self.random.choice(words.COUNTRIES)))
        latitude = self.random.uniform(-60, 70)
        longitude = self.random.uniform(-170, 170)
        self.out.add(self.place, v.LATITUDE, typed(f"{latitude:.4f}", "decimal"))
        self.out.add(self.place, v.LONGITUDE, typed(f"{longitude:.4f}", "decimal"))
        self.out.add(self.place, v.SOURCE, self.source)

    def _government(self) -> None:
        subject = self.government
        for kind in (v.LOCAL_GOVERNMENT, v.FORMAL_ORGANIZATION, v.GOVERNMENT_ORGANIZATION):
            self.out.add(subject, v.A, kind)
        self.labels(
            subject,
            {
                "fr": f"Ville de {self.name}",
                "en": f"City of {self.name}",
                "nl": f"Stad {self.name}",
                "de": f"Stadt {self.name}",
            },
        )
        self.described(
            subject,
            {
                "fr": f"Administration communale de {self.name} (ville synthétique).",
                "en": f"Municipal government of {self.name} (a synthetic city).",
            },
        )
        self.out.add(subject, v.AREA_SERVED, self.place)
        self.out.add(subject, v.HOMEPAGE, iri(f"https://www.{self.slug}.example.org/"))
        self.out.add(subject, v.MEMBER_OF, v.GNLC)
        self.contact(subject, "info")
        for number, (role, title) in enumerate(
            (("mayor", "Bourgmestre"), ("alderman", "Échevin·e de l'éducation"))
        ):
            post = self.out.thing("post", f"{self.slug}-{role}")
            self.out.add(post, v.A, v.POST)
            self.out.add(post, v.LABEL, literal(f"{title} de {self.name}", "fr"))
            self.out.add(post, v.LABEL, literal(f"{role.capitalize()} of {self.name}", "en"))
            self.out.add(post, v.POST_IN, subject)
            self.out.add(post, v.SOURCE, self.source)
            person = self.out.thing("person", f"{self.slug}-{role}")
            self.out.add(person, v.A, v.PERSON)
            self.out.add(person, v.A, v.SCHEMA_PERSON)
            given = words.FIRST_NAMES[(number + self.random.randrange(8)) % 8]
            full_name = f"{given} {self.name}-{number + 1}"
            self.out.add(person, v.FOAF_NAME, literal(full_name))
            for language in ("fr", "en"):
                self.out.add(person, v.LABEL, literal(full_name, language))
            self.out.add(person, v.HOLDS, post)
            self.out.add(post, v.HELD_BY, person)
            self.out.add(person, v.SOURCE, self.source)

    def _membership(self) -> None:
        membership = self.out.thing("membership", f"{self.slug}-gnlc")
        self.out.add(membership, v.A, v.MEMBERSHIP)
        self.out.add(membership, v.LABEL, literal(f"Adhésion de {self.name} au réseau", "fr"))
        self.out.add(membership, v.LABEL, literal(f"{self.name}'s membership of the network", "en"))
        self.out.add(membership, v.MEMBER, self.government)
        self.out.add(membership, v.ORGANIZATION_OF_MEMBERSHIP, v.GNLC)
        interval = self.out.blank()
        beginning = self.out.blank()
        self.out.add(membership, v.MEMBER_DURING, interval)
        self.out.add(interval, v.A, v.INTERVAL)
        self.out.add(interval, v.LABEL, literal(f"Période d'adhésion de {self.name}", "fr"))
        self.out.add(interval, v.LABEL, literal(f"{self.name}'s membership period", "en"))
        self.out.add(interval, v.HAS_BEGINNING, beginning)
        self.out.add(interval, v.SOURCE, self.source)
        self.out.add(beginning, v.A, v.INSTANT)
        self.out.add(beginning, v.LABEL, literal(f"Adhésion de {self.name}", "fr"))
        self.out.add(beginning, v.LABEL, literal(f"{self.name} joins", "en"))
        self.out.add(beginning, v.SOURCE, self.source)
        self.out.add(
            beginning, v.IN_XSD_DATE, typed(self.random.choice(words.COHORT_DATES), "date")
        )
        self.out.add(membership, v.SOURCE, self.source)

    def _initiative(self) -> None:
        subject = self.initiative
        self.out.add(subject, v.A, v.INITIATIVE)
        self.out.add(subject, v.A, v.COLLABORATION)
        self.labels(
            subject,
            {
                "fr": f"{self.name}, ville apprenante",
                "en": f"{self.name} Learning City",
                "nl": f"{self.name}, lerende stad",
                "de": f"Lernende Stadt {self.name}",
            },
        )
        topics = [words.TOPICS[number] for number in self.themes[:3]]
        self.described(
            subject,
            {
                "fr": f"Programme de {self.name} pour l'apprentissage tout au long de la vie, "
                f"autour de : {', '.join(topic[0] for topic in topics)}.",
                "en": f"{self.name}'s lifelong learning programme, on "
                f"{', '.join(topic[1] for topic in topics)}.",
            },
        )
        self.out.add(subject, v.AREA_SERVED, self.place)
        self.out.add(subject, v.HAS_MEMBER, self.government)
        self.out.add(subject, v.COORDINATED_BY, self.government)
        for number in self.themes:
            self.out.add(subject, v.SUBJECT, self.theme(number))
        for feature in self.random.sample(v.KEY_FEATURES, 4):
            self.out.add(subject, v.ADDRESSES_KEY_FEATURE, feature)
        self.contact(subject, "ville-apprenante")
        post = self.out.thing("post", f"{self.slug}-coordinator")
        self.out.add(post, v.A, v.POST)
        self.out.add(post, v.LABEL, literal(f"Coordination de {self.name}, ville apprenante", "fr"))
        self.out.add(post, v.LABEL, literal(f"{self.name} Learning City coordinator", "en"))
        self.out.add(post, v.POST_IN, subject)
        self.out.add(post, v.SOURCE, self.source)

    def _body(
        self, subject: str, parent: str, kinds: tuple[str, ...], labels: dict[str, str]
    ) -> None:
        for kind in kinds:
            self.out.add(subject, v.A, kind)
        self.labels(subject, labels)
        self.out.add(parent, v.HAS_SUB_ORGANIZATION, subject)
        self.out.add(subject, v.SUB_ORGANIZATION_OF, parent)
        self.out.add(subject, v.SOURCE, self.source)

    def _governance(self) -> None:
        bodies: dict[str, str] = {}
        parents = {
            "comite-de-gouvernance": self.initiative,
            "conseil-d-orientation": self.initiative,
        }
        for slug, labels in words.BODIES:
            subject = self.out.thing("body", f"{self.slug}-{slug}")
            bodies[slug] = subject
            parent = parents.get(slug, bodies.get("comite-de-gouvernance", self.initiative))
            names = {
                language: f"{words.pick(labels, language)} - {self.name}"
                for language in words.LANGUAGES
            }
            self._body(subject, parent, (v.GOVERNANCE_BODY, v.ORGANIZATIONAL_UNIT), names)
        self.out.add(bodies["conseil-d-orientation"], v.ADVISES, bodies["comite-de-gouvernance"])
        steering = bodies["comite-de-pilotage"]
        for number in range(self.random.randint(*WORKING_GROUPS_PER_CITY)):
            topic = self.themes[number]
            group = self.out.thing("wg", f"{self.slug}-gt{number + 1}")
            topic_words = words.TOPICS[topic]
            names = {
                language: f"GT{number + 1} {words.pick(topic_words, language)} - {self.name}"
                for language in words.LANGUAGES
            }
            self._body(
                group, steering, (v.WORKING_GROUP, v.GOVERNANCE_BODY, v.ORGANIZATIONAL_UNIT), names
            )
            self.out.add(group, v.PURPOSE, self.theme(topic))
            if number < 2:  # a task force one level deeper, for sub-organisation paths
                task_force = self.out.thing("wg", f"{self.slug}-gt{number + 1}-cellule")
                names = {
                    language: f"{name} / cellule {number + 1}" for language, name in names.items()
                }
                self._body(
                    task_force,
                    group,
                    (v.WORKING_GROUP, v.GOVERNANCE_BODY, v.ORGANIZATIONAL_UNIT),
                    names,
                )
                self.out.add(task_force, v.PURPOSE, self.theme(topic))
