# ruff: noqa: E501
# (The inline SPARQL reads best one pattern per line, even when long.)
"""The shipped data keeps every modellable fact of the three seeds: counts and wordings.

Counts come from the seeds (DOMAIN.md section a); labels said to be "as in the seed" are
checked against the seed text itself. Facts marked [inferred] are looked for in the inferred
graph, and only there.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.loading.sources import REFERENCE_GRAPH, load_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
ID = namespaces.ID
SEED_000 = ID + "source/000_3f664d97e6ab2352"
SEED_001 = ID + "source/001_64ccd0d3f4de84c2"
SEED_002 = ID + "source/002_5839cd8e83b0fdf7"

PREFIXES = "\n".join(
    f"PREFIX {prefix}: <{namespace}>"
    for prefix, namespace in {
        **namespaces.PREFIXES,
        "o": ID + "organization/",
        "initiative": ID + "initiative/",
        "cs": ID + "conceptscheme/",
        "collection": ID + "collection/",
        "kind": ID + "concept/tool-kind/",
        "availability": "https://w3id.org/learning-city/id/concept/availability/",
        "kfs": "https://w3id.org/learning-city/id/conceptscheme/",
    }.items()
)
ASSERTED = f"<{namespaces.ASSERTED_GRAPH}>"
INFERRED = f"<{namespaces.INFERRED_GRAPH}>"
LINKS = f"<{namespaces.LINKS_GRAPH}>"
REFERENCE = f"<{REFERENCE_GRAPH}>"
GNLC = f"<{namespaces.GNLC}>"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The bundled publication in an in-memory store, one named graph per part."""
    memory = ox.Store()
    memory.extend(load_publication(PROJECT_ROOT).quads)
    return memory


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT as tuples of plain strings (IRIs and lexical forms)."""
    solutions = store.query(PREFIXES + "\n" + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(term.value if term is not None else "" for term in row) for row in solutions]


def count(store: ox.Store, query: str) -> int:
    return len(select(store, query))


def seed_text(name: str) -> str:
    """A seed's text, normalised: one space between words, straight apostrophes."""
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return normalise(path.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("&nbsp;", " ")
    text = text.replace("\u00a0", " ").replace("\u2219", "\u2219 ")
    return re.sub(r"\s+", " ", text).lower()


def labels(store: ox.Store, query: str) -> list[str]:
    return [row[0] for row in select(store, query)]


# --- governance, themes, working groups, workshops --------------------------------------------


def test_governance_slide_shows_seven_bodies(store: ox.Store) -> None:
    rows = select(
        store,
        f"""
        SELECT ?body WHERE {{ GRAPH {ASSERTED} {{
            ?slide schema:isPartOf <{SEED_001}> ; schema:mentions ?body }} GRAPH ?g {{ ?body a ?type }} }}""",
    )
    assert len({body for (body,) in rows}) == 7
    local = count(
        store,
        f"""
        SELECT ?body WHERE {{ GRAPH {ASSERTED} {{
            ?slide schema:mentions ?body . ?body a lc:GovernanceBody , org:OrganizationalUnit ;
                org:subOrganizationOf initiative:chava }} }}""",
    )
    assert local == 6
    assert (
        count(
            store,
            f"SELECT ?n WHERE {{ GRAPH {ASSERTED} {{ ?s schema:mentions ?n }} GRAPH {REFERENCE} {{ ?n a lc:Network }} }}",
        )
        == 1
    )


def test_three_themes_and_three_working_groups_each_on_its_theme(store: ox.Store) -> None:
    themes = labels(
        store,
        f"""SELECT ?label WHERE {{ GRAPH {ASSERTED} {{
        ?t a lc:Theme ; skos:inScheme cs:theme ; skos:prefLabel ?label FILTER(lang(?label) = "fr") }} }}""",
    )
    assert len(themes) == 3
    text = seed_text("001")
    assert all(normalise(label) in text for label in themes)
    assert count(store, f"SELECT ?g WHERE {{ GRAPH {ASSERTED} {{ ?g a lc:WorkingGroup }} }}") == 3
    purposes = select(
        store,
        f"""SELECT ?g ?t WHERE {{ GRAPH {INFERRED} {{ ?g org:purpose ?t }}
        GRAPH {ASSERTED} {{ ?g a lc:WorkingGroup ; skos:notation ?n . ?t a lc:Theme ; skos:notation ?m }}
        FILTER(?n = CONCAT("GT ", ?m)) }}""",
    )
    assert len({theme for _, theme in purposes}) == 3
    assert count(store, f"SELECT ?g WHERE {{ GRAPH {ASSERTED} {{ ?g org:purpose ?t }} }}") == 0


def test_three_workshops_as_in_the_seed(store: ox.Store) -> None:
    names = labels(
        store,
        f"""SELECT ?label WHERE {{ GRAPH {ASSERTED} {{
        ?w a lc:Workshop , schema:EducationEvent ; rdfs:label ?label FILTER(lang(?label) = "fr") }} }}""",
    )
    assert len(names) == 3
    text = seed_text("001")
    assert all(normalise(name) in text for name in names)


# --- challenges, principles, vision -------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "size", "seed"), [("nos-defis", 4, "001"), ("enjeux-de-l-adhesion", 3, "002")]
)
def test_both_lists_of_challenges(store: ox.Store, collection: str, size: int, seed: str) -> None:
    members = labels(
        store,
        f"""SELECT ?label WHERE {{ GRAPH {ASSERTED} {{
        collection:{collection} skos:member ?c . ?c a lc:Challenge ; skos:prefLabel ?label
        FILTER(lang(?label) = "fr") }} }}""",
    )
    assert len(members) == size
    if seed == "001":
        assert all(normalise(label) in seed_text(seed) for label in members)


def test_the_third_stake_has_the_three_divides_as_narrower(store: ox.Store) -> None:
    divides = labels(
        store,
        f"""SELECT ?label WHERE {{ GRAPH {ASSERTED} {{
        ?e skos:notation "E3" ; skos:narrower ?d . ?d skos:broader ?e ; skos:prefLabel ?label
        FILTER(lang(?label) = "fr") }} }}""",
    )
    assert len(divides) == 3
    assert all(normalise(label) in seed_text("002") for label in divides)


def test_four_principles_stated_by_chava(store: ox.Store) -> None:
    principles = labels(
        store,
        f"""SELECT ?label WHERE {{ GRAPH {ASSERTED} {{
        initiative:chava lc:statesPrinciple ?p . ?p a lc:Principle ; skos:prefLabel ?label
        FILTER(lang(?label) = "fr") }} }}""",
    )
    assert len(principles) == 4
    assert all(normalise(label) in seed_text("001") for label in principles)


@pytest.mark.parametrize(
    ("property_name", "size"),
    [("usesMethod", 7), ("valueProposition", 7), ("hasResource", 2), ("pursuesGoal", 4)],
)
def test_chava_lists(store: ox.Store, property_name: str, size: int) -> None:
    assert (
        count(
            store,
            f"""SELECT ?c WHERE {{ GRAPH {ASSERTED} {{
        initiative:chava lc:{property_name} ?c . ?c a skos:Concept }} }}""",
        )
        == size
    )


def test_what_the_network_brings(store: ox.Store) -> None:
    benefits = select(
        store,
        f"""SELECT ?c ?source WHERE {{ GRAPH {ASSERTED} {{
        ?m a org:Membership ; lc:benefit ?c . ?c dcterms:source ?source }} }}""",
    )
    assert sorted(source for _, source in benefits) == [SEED_001] * 3 + [SEED_002]


# --- feedback ------------------------------------------------------------------------------------


def test_seven_feedback_items_numbered_four_to_seven_by_the_seed(store: ox.Store) -> None:
    assert (
        count(
            store,
            f"""SELECT ?f WHERE {{ GRAPH {ASSERTED} {{
        ?f a lc:FeedbackItem ; lc:feedbackOn ?e . ?e a lc:LearningMeeting }} }}""",
        )
        == 7
    )
    asserted = select(
        store,
        f"SELECT ?p WHERE {{ GRAPH {ASSERTED} {{ ?f a lc:FeedbackItem ; schema:position ?p }} }}",
    )
    inferred = select(store, f"SELECT ?p WHERE {{ GRAPH {INFERRED} {{ ?f schema:position ?p }} }}")
    assert sorted(int(p) for (p,) in asserted) == [4, 5, 6, 7]
    assert sorted(int(p) for (p,) in inferred) == [1, 2, 3]


# --- Key Features --------------------------------------------------------------------------------


def test_key_features_three_six_three(store: ox.Store) -> None:
    notations = labels(
        store,
        f"""SELECT ?n WHERE {{ GRAPH {REFERENCE} {{
        ?k a lc:KeyFeature ; skos:inScheme kfs:key-feature ; skos:notation ?n ; skos:broader ?group }} }}""",
    )
    by_group = {
        group: sorted(n for n in notations if n.startswith(group)) for group in ("WB", "BB", "FC")
    }
    assert by_group == {
        "WB": ["WB.1", "WB.2", "WB.3"],
        "BB": [f"BB.{n}" for n in range(1, 7)],
        "FC": ["FC.1", "FC.2", "FC.3"],
    }


def test_the_six_characteristics_are_the_building_blocks_in_seed_wording(store: ox.Store) -> None:
    """Seed 001's six characteristics: the shared BB.1-BB.6 in its French, on the GNLC's slide."""
    rows = select(
        store,
        f"""SELECT ?n ?label WHERE {{ GRAPH {ASSERTED} {{
        ?k skos:prefLabel ?label ; dcterms:source <{SEED_001}> . {GNLC} lc:addressesKeyFeature ?k
        FILTER(lang(?label) = "fr") }}
        GRAPH {REFERENCE} {{ ?k a lc:KeyFeature ; skos:notation ?n }} }} ORDER BY ?n""",
    )
    assert [n for n, _ in rows] == [f"BB.{n}" for n in range(1, 7)]
    text = seed_text("001")
    positions = [text.index(normalise(label)) for _, label in rows]
    assert positions == sorted(positions)  # same order as the slide


def test_key_features_carry_uil_names_and_no_translation_of_ours(store: ox.Store) -> None:
    """English names from the UIL page; French only where seed 001 words it (BB.1-BB.6)."""
    english = count(
        store,
        f"""SELECT ?k WHERE {{ GRAPH {REFERENCE} {{ ?k a lc:KeyFeature ; skos:prefLabel ?l
        FILTER(lang(?l) = "en") }} }}""",
    )
    assert english == 15
    french = select(
        store,
        f"""SELECT ?k ?g WHERE {{ GRAPH ?g {{ ?k skos:prefLabel ?l FILTER(lang(?l) = "fr") }}
        GRAPH {REFERENCE} {{ ?k a lc:KeyFeature }} }}""",
    )
    assert len(french) == 6
    assert {graph for _, graph in french} == {namespaces.ASSERTED_GRAPH}
    bb5 = select(
        store,
        f"""SELECT ?en ?note WHERE {{ GRAPH {REFERENCE} {{ ?k skos:notation "BB.5" ; skos:prefLabel ?en }}
        GRAPH {ASSERTED} {{ ?k skos:note ?note FILTER(lang(?note) = "en") }} }}""",
    )
    assert bb5 == [("Enhanced quality in learning", bb5[0][1])]
    assert "excellence" in bb5[0][1]


# --- Éducation permanente, Territoires de la Mémoire ---------------------------------------------


def test_the_decree_its_article_and_three_aims(store: ox.Store) -> None:
    assert select(
        store,
        f"""SELECT ?date WHERE {{ GRAPH {ASSERTED} {{
        ?d a eli:LegalResource , schema:Legislation ; schema:legislationDate ?date }} }}""",
    ) == [("2003-07-17",)]
    assert (
        count(
            store,
            f"""SELECT ?aim WHERE {{ GRAPH {ASSERTED} {{
        ?article eli:is_part_of ?d ; dcterms:subject ?aim . ?aim skos:inScheme cs:ep-aim }} }}""",
        )
        == 3
    )


def test_the_sector_figures_with_their_source(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?n ?fte WHERE {{ GRAPH {ASSERTED} {{
        ?c a lc:OrganizationCollection ; schema:numberOfItems ?n ; dcterms:source <{SEED_000}> ;
            skos:editorialNote ?note FILTER(CONTAINS(LCASE(STR(?note)), "actuel"))
        OPTIONAL {{ ?c lc:fullTimeEquivalentCount ?fte }} }} }} ORDER BY ?n""",
    )
    assert sorted(set(rows)) == [("24", ""), ("280", "2300")]


def test_recognition_under_the_decree_and_axis_only_inferred(store: ox.Store) -> None:
    assert (
        count(
            store,
            f"""SELECT ?r WHERE {{ GRAPH {ASSERTED} {{
        ?r a lc:Recognition ; lc:recognisedOrganization o:territoires-de-la-memoire ; lc:legalBasis ?d }} }}""",
        )
        == 1
    )
    assert (
        count(store, f"SELECT ?r WHERE {{ GRAPH {ASSERTED} {{ ?r lc:recognitionAxis ?a }} }}") == 0
    )
    assert (
        count(store, f"SELECT ?r WHERE {{ GRAPH {INFERRED} {{ ?r lc:recognitionAxis ?a }} }}") == 1
    )


def test_the_documentation_centre(store: ox.Store) -> None:
    assert labels(
        store,
        f"""SELECT ?label WHERE {{ GRAPH {ASSERTED} {{
        ?d a lc:DocumentationCentre , schema:Library ; rdfs:label ?label FILTER(lang(?label) = "fr") }} }}""",
    ) == ["Bibliothèque George Orwell"]
    assert (
        count(
            store,
            f"SELECT ?d WHERE {{ GRAPH {INFERRED} {{ ?d org:unitOf o:territoires-de-la-memoire }} }}",
        )
        == 1
    )
    assert count(store, f"SELECT ?d WHERE {{ GRAPH {ASSERTED} {{ ?d org:unitOf ?o }} }}") == 0


def test_fourteen_tools_each_with_a_kind_and_an_availability(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?tool ?label ?availability (COUNT(DISTINCT ?kind) AS ?kinds)
        WHERE {{ GRAPH {ASSERTED} {{
            ?tool a lc:PedagogicalTool ; rdfs:label ?label ; lc:availability ?availability ;
                lc:toolKind ?kind ; schema:provider o:territoires-de-la-memoire
            FILTER(lang(?label) = "fr") }} }}
        GROUP BY ?tool ?label ?availability""",
    )
    assert len(rows) == 14
    assert all(int(kinds) == 1 for *_, kinds in rows)
    availabilities = sorted(availability.rsplit("/", 1)[1] for _, _, availability, _ in rows)
    assert availabilities == ["perenne"] * 8 + ["temporaire"] * 6
    text = seed_text("000")
    assert all(normalise(label) in text for _, label, _, _ in rows)


def test_tool_kinds_read_from_titles_are_inferred(store: ox.Store) -> None:
    unspecified = count(
        store, f"SELECT ?t WHERE {{ GRAPH {ASSERTED} {{ ?t lc:toolKind kind:non-precise }} }}"
    )
    inferred = select(store, f"SELECT ?t ?k WHERE {{ GRAPH {INFERRED} {{ ?t lc:toolKind ?k }} }}")
    assert unspecified == 5
    assert len(inferred) == 6


def test_contact_point_as_in_the_seed_and_e164_inferred(store: ox.Store) -> None:
    assert select(
        store,
        f"""SELECT ?phone ?email WHERE {{ GRAPH {ASSERTED} {{
        o:territoires-de-la-memoire schema:contactPoint ?cp .
        ?cp schema:telephone ?phone ; schema:email ?email }} }}""",
    ) == [("04 232 70 60", "accueil@territoires-memoire.be")]
    assert labels(
        store, f"SELECT ?p WHERE {{ GRAPH {INFERRED} {{ ?cp schema:telephone ?p }} }}"
    ) == ["+32 4 232 70 60"]


# --- membership, échevine, sources ------------------------------------------------------------


def test_membership_of_the_network_since_september_2020(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?month WHERE {{ GRAPH {ASSERTED} {{
        ?m a org:Membership ; org:member o:ville-de-charleroi ;
            org:organization {GNLC} ;
            org:memberDuring/time:hasBeginning/time:inXSDgYearMonth ?month }} }}""",
    )
    assert rows == [("2020-09",)]
    day = select(store, f"""SELECT ?day WHERE {{ GRAPH {LINKS} {{ ?i time:inXSDDate ?day }} }}""")
    assert day == [("2020-09-23",)]
    assert count(store, f"SELECT ?i WHERE {{ GRAPH {ASSERTED} {{ ?i time:inXSDDate ?d }} }}") == 0


def test_the_echevine_and_her_post(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?name WHERE {{ GRAPH {ASSERTED} {{
        ?p a foaf:Person , schema:Person ; rdfs:label ?name ; org:holds ?post .
        ?post a org:Post ; org:postIn o:ville-de-charleroi ; org:heldBy ?p
        FILTER(lang(?name) = "fr") }} }}""",
    )
    assert rows == [("Julie Patte",)]


def test_the_three_seeds_are_described(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?seed WHERE {{ GRAPH {ASSERTED} {{
        ?seed a lc:SourceDocument , foaf:Document , prov:Entity ; dcterms:title ?title ;
            dcterms:language "fr" ; dcterms:description ?fr , ?en
        FILTER(lang(?fr) = "fr" && lang(?en) = "en") }} }}""",
    )
    assert sorted(seed for (seed,) in rows) == [SEED_000, SEED_001, SEED_002]


# --- faithful to the seeds (issue 11's review) ---------------------------------------------------


def test_uil_is_named_as_uil_and_the_seed_spells_it(store: ox.Store) -> None:
    """UIL's name is UIL's English one; seed 002's spelling is an English alternate name."""
    uil = f"<{namespaces.UIL}>"
    assert select(store, f"SELECT ?l WHERE {{ GRAPH {REFERENCE} {{ {uil} rdfs:label ?l }} }}") == [
        ("UNESCO Institute for Lifelong Learning",)
    ]
    tagged = select(
        store,
        f"""SELECT ?name (lang(?name) AS ?lang) WHERE {{ GRAPH ?g {{ {uil} ?p ?name
        FILTER(isLiteral(?name) && lang(?name) != "") }} }}""",
    )
    assert ("Unesco Institute for Lifelong Learning", "en") in tagged
    assert not [row for row in tagged if row[1] == "fr"]
    assert normalise("piloté par Unesco Institute for Lifelong Learning") in seed_text("002")


def test_the_methods_are_the_seeds_five_and_the_workshops_are_not_numbered(
    store: ox.Store,
) -> None:
    rows = select(
        store,
        f"""SELECT ?n ?label WHERE {{ GRAPH {ASSERTED} {{ ?m skos:inScheme cs:method ;
        skos:notation ?n ; skos:prefLabel ?label FILTER(lang(?label) = "fr") }} }} ORDER BY ?n""",
    )
    assert [n for n, _ in rows] == ["1", "2", "3", "4", "5"]
    text = seed_text("001")
    positions = [text.index(normalise(label.replace(" (à distance !)", ""))) for _, label in rows]
    assert positions == sorted(positions)
    workshops = f"<{ID}concept/method/travail-en-ateliers>"
    assert select(store, f"SELECT ?n WHERE {{ GRAPH ?g {{ {workshops} skos:notation ?n }} }}") == []


def test_disadvantaged_publics_are_the_concern_of_many_not_all(store: ox.Store) -> None:
    assert (
        count(
            store,
            f"SELECT ?c WHERE {{ GRAPH ?g {{ ?c schema:audience <{ID}audience/publics-socio-culturellement-defavorises> }} }}",
        )
        == 0
    )
    notes = labels(
        store,
        f"""SELECT ?note WHERE {{ GRAPH {ASSERTED} {{
        <{ID}audience/publics-socio-culturellement-defavorises> skos:note ?note }} }}""",
    )
    assert any("Nombre d'entre elles" in note for note in notes)
    assert normalise("Nombre d'entre elles consacrent une attention particulière") in seed_text(
        "000"
    )


def test_the_action_plan_is_for_the_coming_months_of_an_undated_page(store: ox.Store) -> None:
    notes = labels(
        store, f"SELECT ?n WHERE {{ GRAPH {ASSERTED} {{ initiative:chava skos:note ?n }} }}"
    )
    assert any(
        "Les prochains mois seront consacrés à l'élaboration d'un plan d'actions" in n
        for n in notes
    )
    assert not any("joining" in n or "qui suivent l'adhésion" in n for n in notes)


def test_support_is_not_sponsorship(store: ox.Store) -> None:
    assert count(store, "SELECT ?s WHERE { GRAPH ?g { ?s schema:sponsor ?o } }") == 0


def test_the_first_meeting_and_the_three_workshops_belong_to_chava(store: ox.Store) -> None:
    events = select(
        store,
        f"""SELECT ?e WHERE {{ GRAPH {ASSERTED} {{ initiative:chava schema:event ?e .
        {{ ?e a lc:LearningMeeting }} UNION {{ ?e a lc:Workshop }} }} }}""",
    )
    assert len(events) == 4


def test_charleroi_metropoles_joining_as_the_seed_words_it(store: ox.Store) -> None:
    notes = labels(
        store,
        f'SELECT ?n WHERE {{ GRAPH {ASSERTED} {{ <{ID}place/charleroi-metropole> skos:note ?n FILTER(lang(?n) = "fr") }} }}',
    )
    quote = notes[0].strip("«» ")
    assert normalise(quote) in seed_text("002")
    assert normalise("L'adhésion de Charleroi Métropole") in normalise(quote)
    # Read as Charleroi's own membership over the metropolitan territory: an inference.
    assert (
        count(
            store,
            f"SELECT ?m WHERE {{ GRAPH {INFERRED} {{ ?m dcterms:spatial <{ID}place/charleroi-metropole> }} }}",
        )
        == 1
    )
    assert count(store, f"SELECT ?m WHERE {{ GRAPH {ASSERTED} {{ ?m dcterms:spatial ?p }} }}") == 0


def test_what_the_seeds_do_not_say_is_not_asserted(store: ox.Store) -> None:
    """Definitions from general knowledge and tool kinds the seed never names: inferred only."""
    for subject in ("post/echevine-enseignement-education", "audience/carolos"):
        iri = f"<{ID}{subject}>"
        assert (
            count(store, f"SELECT ?d WHERE {{ GRAPH {ASSERTED} {{ {iri} skos:definition ?d }} }}")
            == 0
        )
        assert (
            count(store, f"SELECT ?d WHERE {{ GRAPH {INFERRED} {{ {iri} skos:definition ?d }} }}")
            == 2
        )
    unnamed = (
        "periodique",
        "exposition-itinerante",
        "programme-citoyen",
        "service-de-documentation",
    )
    for slug in unnamed:
        kind = f"<{ID}concept/tool-kind/{slug}>"
        assert count(store, f"SELECT ?p WHERE {{ GRAPH {ASSERTED} {{ {kind} ?p ?o }} }}") == 0
        assert (
            count(store, f"SELECT ?p WHERE {{ GRAPH {INFERRED} {{ {kind} a lc:ToolKind }} }}") == 1
        )
    asserted_kinds = labels(
        store,
        f"""SELECT ?l WHERE {{ GRAPH {ASSERTED} {{ ?k a lc:ToolKind ; skos:prefLabel ?l
        FILTER(lang(?l) = "fr") }} }}""",
    )
    text = seed_text("000")
    named = [label for label in asserted_kinds if label != "Type non précisé"]
    # Each kind the seed names, by the stem of its first word ("Publication": "publiés").
    assert all(normalise(label).split()[0][:5] in text for label in named), named


def test_no_published_text_cites_the_internal_brief(store: ox.Store) -> None:
    assert (
        count(
            store,
            'SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "DOMAIN.md")) } }',
        )
        == 0
    )


def test_one_name_per_thing(store: ox.Store) -> None:
    """Working group n is named like theme n; French titles of tools are not glossed in English."""
    pairs = select(
        store,
        f"""SELECT ?group ?theme WHERE {{ GRAPH {INFERRED} {{ ?g org:purpose ?t }}
        GRAPH {ASSERTED} {{ ?g rdfs:label ?group . ?t skos:prefLabel ?theme
        FILTER(lang(?group) = "en" && lang(?theme) = "en") }} }}""",
    )
    assert len(pairs) == 3
    assert all(group.split(" ", 2)[2].lower() == theme.lower() for group, theme in pairs), pairs
    english = labels(
        store,
        f"""SELECT ?l WHERE {{ GRAPH {ASSERTED} {{ ?t a lc:PedagogicalTool ; rdfs:label ?l
        FILTER(lang(?l) = "en") }} }}""",
    )
    assert len(english) == 14
    assert not [label for label in english if '("' in label or "(“" in label]
