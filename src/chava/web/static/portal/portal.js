// The reference portal: everything below comes from the public JSON-LD API (/api, framed
// documents with the published context): the publication's title, description and languages
// too. Nothing is hard-wired but the UI strings, in French and English; other languages show
// them in English, and the data in the chosen language. The page itself is one of the site's
// (its header, its language links): the server chose the language from ?lang= or
// Accept-Language, and says it in #portal's data-lang.
"use strict";

const TEXTS = {
  fr: {
    skip: "Aller au contenu", tagline: "portail de référence", language: "Langue",
    sections: "Sections", overview: "Aperçu", themes: "Thématiques", tools: "Outils",
    search: "Recherche", governance: "Gouvernance",
    governanceNote: "Les liens marqués « inféré » viennent du graphe des faits inférés : la source ne les dit pas en toutes lettres.",
    inferred: "inféré", advises: "conseille", toolsTitle: "Outils pédagogiques et culturels",
    kind: "Type d'outil", availability: "Disponibilité", all: "Tous",
    toolCount: (n) => `${n} outil${n > 1 ? "s" : ""}`,
    searchLabel: "Chercher un acteur, un outil, un thème…", searchButton: "Chercher",
    searchCount: (n) => `${n} résultat${n > 1 ? "s" : ""}`,
    actors: "Acteurs", workingGroups: "Groupes de travail", none: "Aucun",
    footer: "Cette page n'utilise que l'API JSON-LD publique :",
    failed: "Le chargement a échoué.",
  },
  en: {
    skip: "Skip to content", tagline: "reference portal", language: "Language",
    sections: "Sections", overview: "Overview", themes: "Themes", tools: "Tools",
    search: "Search", governance: "Governance",
    governanceNote: "Links marked “inferred” come from the graph of inferred facts: the source does not state them in words.",
    inferred: "inferred", advises: "advises", toolsTitle: "Teaching and cultural tools",
    kind: "Kind of tool", availability: "Availability", all: "All",
    toolCount: (n) => `${n} tool${n > 1 ? "s" : ""}`,
    searchLabel: "Search for an actor, a tool, a theme…", searchButton: "Search",
    searchCount: (n) => `${n} result${n > 1 ? "s" : ""}`,
    actors: "Actors", workingGroups: "Working groups", none: "None",
    footer: "This page uses only the public JSON-LD API:",
    failed: "Loading failed.",
  },
};

const FALLBACK = "en";
const state = { lang: null, api: null };

const $ = (id) => document.getElementById(id);
const asList = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);

// The language of the UI strings for the chosen language: itself, its primary subtag, or English.
function uiLanguage() {
  const tag = (state.lang || FALLBACK).toLowerCase();
  return [tag, tag.split("-")[0]].find((candidate) => TEXTS[candidate]) || FALLBACK;
}
const t = (key) => TEXTS[uiLanguage()][key];

// The writing direction of a configured language (from /api), else let the browser decide.
function directionOf(tag) {
  const found = (state.api?.languages || []).find((l) => l.tag.toLowerCase() === tag.toLowerCase());
  return found ? found.direction : "auto";
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function apiUrl(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    for (const item of asList(value)) if (item !== "") url.searchParams.append(name, item);
  }
  url.searchParams.set("lang", state.lang);
  return url;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/ld+json" } });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return response.json();
}

// A language map's text in the chosen language, then the other configured ones, then any.
function pick(map) {
  if (!map || typeof map !== "object") return { value: "", language: null };
  const tags = Object.keys(map);
  const wanted = [state.lang, ...(state.api?.languages || []).map((l) => l.tag)];
  let tag = null;
  for (const want of wanted) {
    const lower = want.toLowerCase();
    tag = tags.find((k) => k.toLowerCase() === lower)
      || tags.find((k) => k.toLowerCase().split("-")[0] === lower.split("-")[0]);
    if (tag) break;
  }
  tag = tag || (tags.includes("@none") ? "@none" : tags[0]);
  const value = map[tag];
  return { value: (Array.isArray(value) ? value[0] : value) || "", language: tag === "@none" ? null : tag };
}

const text = (map) => pick(map).value;

function pickLabel(node) {
  if (typeof node === "string") return { value: node, language: null };
  for (const map of [node.label, node.prefLabel, node.name]) {
    const found = pick(map);
    if (found.value) return found;
  }
  return { value: node.id, language: null };
}

const label = (node) => pickLabel(node).value;

// lang and dir for a text in *language* shown among UI strings in uiLanguage().
function languageAttributes(language) {
  if (!language || language.toLowerCase() === uiLanguage()) return {};
  return { lang: language, dir: directionOf(language) };
}

function setText(node, found) {
  node.textContent = found.value;
  for (const name of ["lang", "dir"]) node.removeAttribute(name);
  for (const [name, value] of Object.entries(languageAttributes(found.language))) node.setAttribute(name, value);
}

function localHref(iri) {
  const paths = [...(state.api?.iriPaths || [])].sort((a, b) => b.iri.length - a.iri.length);
  for (const mapping of paths) {
    if (iri.startsWith(mapping.iri)) return mapping.path + iri.slice(mapping.iri.length);
  }
  return iri;
}

// Only web IRIs (http, https) and local paths become links. Any other IRI is valid RDF but
// must never be followed: `javascript:`, `data:` or `vbscript:` would run in this page. It is
// shown as text. Every text goes through text nodes (el), never through HTML.
function safeHref(iri) {
  if (typeof iri !== "string") return null;
  const href = localHref(iri);
  if (/^\/(?![\/\\])/.test(href)) return href; // a local path, not //host or /\host
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const idOf = (node) => (typeof node === "string" ? node : node.id);
function link(node) {
  const found = pickLabel(node);
  const attributes = languageAttributes(found.language);
  const href = safeHref(idOf(node));
  return href
    ? el("a", { href, ...attributes }, found.value)
    : el("span", { class: "iri", ...attributes }, found.value);
}

function fail(container, error) {
  container.replaceChildren(el("p", { class: "note", role: "status" }, `${t("failed")} (${error.message})`));
}

// --- overview and governance tree ------------------------------------------------------------

function edgesOf(initiative) {
  const edges = new Set();
  const add = (parent, child) => edges.add(`${parent} ${child}`);
  for (const body of asList(initiative.hasSubOrganization)) {
    add(initiative.id, idOf(body));
    if (typeof body !== "object") continue;
    for (const child of [...asList(body.hasSubOrganization), ...asList(body.hasUnit)]) add(body.id, idOf(child));
    for (const parent of [...asList(body.subOrganizationOf), ...asList(body.unitOf)]) add(idOf(parent), body.id);
  }
  return edges;
}

function advice(initiative) {
  const pairs = new Set();
  for (const body of asList(initiative.hasSubOrganization)) {
    if (typeof body === "object") for (const target of asList(body.advises)) pairs.add(`${body.id} ${idOf(target)}`);
  }
  return pairs;
}

function showPublication() {
  const title = pick(state.api.title);
  setText($("overview-title"), title);
  setText($("brand-name"), title);
  setText($("dataset-description"), pick(state.api.description));
  document.title = `${title.value} — ${t("tagline")}`;
}

async function loadOverview() {
  const container = $("governance");
  try {
    const [all, asserted] = await Promise.all([
      getJson(apiUrl("/api/initiatives", { limit: 1 })),
      getJson(apiUrl("/api/initiatives", { limit: 1, graph: "asserted" })),
    ]);
    const initiative = all.items[0];
    if (!initiative) {
      for (const id of ["initiative-name", "initiative-slogan"]) $(id).textContent = "";
      container.replaceChildren(el("p", { class: "meta" }, t("none")));
      return;
    }
    const assertedInitiative = asserted.items.find((item) => item.id === initiative.id) || {};
    setText($("initiative-name"), pickLabel(initiative));
    setText($("initiative-slogan"), pick(initiative.slogan));
    const bodies = new Map(asList(initiative.hasSubOrganization).filter((b) => typeof b === "object").map((b) => [b.id, b]));
    const edges = edgesOf(initiative);
    const assertedEdges = edgesOf(assertedInitiative);
    const assertedAdvice = advice(assertedInitiative);
    const parentOf = new Map();
    for (const edge of edges) {
      const [parent, child] = edge.split(" ");
      if (bodies.has(parent) && bodies.has(child)) parentOf.set(child, parent);
    }
    const childrenOf = (id) => [...bodies.keys()].filter((child) =>
      id === initiative.id ? !parentOf.has(child) : parentOf.get(child) === id);
    const branch = (parent, id) => {
      const body = bodies.get(id);
      const item = el("li", { "data-iri": id }, el("span", { class: "node" }, link(body)));
      if (!assertedEdges.has(`${parent} ${id}`)) {
        item.classList.add("inferred");
        item.append(el("span", { class: "badge" }, t("inferred")));
      }
      for (const target of asList(body.advises)) {
        const note = el("span", { class: "advice" }, `${t("advises")} `, link(bodies.get(idOf(target)) || target));
        if (!assertedAdvice.has(`${id} ${idOf(target)}`)) note.append(el("span", { class: "badge" }, t("inferred")));
        item.append(note);
      }
      const children = childrenOf(id);
      if (children.length) item.append(el("ul", {}, ...children.map((child) => branch(id, child))));
      return item;
    };
    const root = el("li", {}, el("span", { class: "node" }, link(initiative)),
      el("ul", {}, ...childrenOf(initiative.id).map((id) => branch(initiative.id, id))));
    container.replaceChildren(el("ul", { "aria-label": t("governance") }, root));
  } catch (error) {
    fail(container, error);
  }
}

// --- themes ------------------------------------------------------------------------------------

async function loadThemes() {
  const container = $("theme-list");
  try {
    const themes = await getJson(apiUrl("/api/themes", { limit: 50 }));
    const cards = await Promise.all(themes.items.map(async (theme) => {
      const [actors, bodies] = await Promise.all([
        getJson(apiUrl("/api/actors", { theme: theme.id, limit: 100 })),
        getJson(apiUrl("/api/bodies", { theme: theme.id, limit: 100 })),
      ]);
      const list = (page) => (page.items.length
        ? el("ul", {}, ...page.items.map((item) => el("li", {}, link(item))))
        : el("p", { class: "meta" }, t("none")));
      return el("article", { class: "card" },
        el("h3", {}, link(theme)),
        el("h4", {}, t("actors")), list(actors),
        el("h4", {}, t("workingGroups")), list(bodies));
    }));
    container.replaceChildren(...cards);
  } catch (error) {
    fail(container, error);
  }
}

// --- tools -------------------------------------------------------------------------------------

function fillSelect(select, nodes) {
  const chosen = select.value;
  const options = [...new Map(nodes.map((node) => [node.id, node])).values()]
    .sort((a, b) => label(a).localeCompare(label(b), state.lang));
  select.replaceChildren(el("option", { value: "" }, t("all")),
    ...options.map((node) => el("option", { value: node.id }, label(node))));
  select.value = options.some((node) => node.id === chosen) ? chosen : "";
}

async function loadTools(refreshFilters) {
  const list = $("tool-list");
  try {
    if (refreshFilters) {
      const every = await getJson(apiUrl("/api/tools", { limit: 500 }));
      fillSelect($("filter-kind"), every.items.flatMap((tool) => asList(tool.toolKind)).filter((k) => typeof k === "object"));
      fillSelect($("filter-availability"), every.items.flatMap((tool) => asList(tool.availability)).filter((a) => typeof a === "object"));
    }
    const page = await getJson(apiUrl("/api/tools", {
      kind: $("filter-kind").value,
      availability: $("filter-availability").value, limit: 500,
    }));
    $("tool-count").textContent = t("toolCount")(page.totalItems);
    list.replaceChildren(...page.items.map((tool) => el("li", { class: "tool" }, link(tool),
      el("span", { class: "meta" }, ` — ${[...asList(tool.toolKind), ...asList(tool.availability)].map(label).join(" · ")}`))));
  } catch (error) {
    fail(list, error);
  }
}

// --- search ------------------------------------------------------------------------------------

async function runSearch() {
  const query = $("search-input").value.trim();
  const results = $("search-results");
  if (!query) {
    results.replaceChildren();
    $("search-count").textContent = "";
    return;
  }
  try {
    const page = await getJson(apiUrl("/api/search", { q: query, limit: 20, lang: state.lang }));
    $("search-count").textContent = t("searchCount")(page.totalItems);
    // Each hit has one label and its types named for people; the snippet is escaped HTML
    // whose only markup is <mark>: rebuilt as text nodes and <mark> elements, never as HTML.
    results.replaceChildren(...page.items.map((item) => el("li", {}, link(item),
      el("span", { class: "meta" }, ` (${asList(item.types).map((type) => pickLabel(type).value).join(", ")})`),
      ...(item.snippet ? [el("p", { class: "snippet" }, ...snippetNodes(item.snippet))] : []))));
  } catch (error) {
    fail(results, error);
  }
}

function snippetNodes(snippet) {
  const decode = (text) => new DOMParser().parseFromString(`<p>${text.replace(/</g, "&lt;")}</p>`, "text/html").body.textContent;
  return snippet.split(/(<mark>.*?<\/mark>)/).filter((part) => part).map((part) =>
    part.startsWith("<mark>") ? el("mark", {}, decode(part.slice(6, -7))) : document.createTextNode(decode(part)));
}

// --- language ----------------------------------------------------------------------------------

function applyTexts() {
  document.documentElement.lang = uiLanguage();
  document.documentElement.dir = directionOf(uiLanguage()) === "rtl" ? "rtl" : "ltr";
  for (const node of document.querySelectorAll("[data-text]")) {
    const value = t(node.dataset.text);
    if (typeof value === "string") node.textContent = value;
  }
  for (const node of document.querySelectorAll("[data-label]")) node.setAttribute("aria-label", t(node.dataset.label));
  showPublication();
}

async function setLanguage(code) {
  state.lang = code;
  applyTexts();
  await Promise.all([loadOverview(), loadThemes(), loadTools(true), runSearch()]);
  document.body.dataset.ready = code;
}

// The language the server chose for this page (one of the configured ones), else the first.
function pageLanguage() {
  const chosen = ($("portal").dataset.lang || "").toLowerCase();
  const found = state.api.languages.find((l) => l.tag.toLowerCase() === chosen);
  return (found || state.api.languages[0]).tag;
}

async function start() {
  state.api = await getJson(new URL("/api", window.location.origin));
  const first = pageLanguage();
  $("filter-kind").addEventListener("change", () => loadTools(false));
  $("filter-availability").addEventListener("change", () => loadTools(false));
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); runSearch(); });
  await setLanguage(first);
}

start().catch((error) => fail($("governance"), error));
