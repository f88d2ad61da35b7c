// The query editor of /sparql: YASGUI (vendored in static/yasgui/), fed by the page's JSON config:
// the endpoint, the project's prefixes, the query it opens on (one real example, or the query of
// a shared link) and the catalogue of examples, offered in a menu instead of one tab each.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var source = document.getElementById("sparql-config");
  if (!root || !source || typeof Yasgui === "undefined") { return; }
  var config = JSON.parse(source.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,            // always start from the page's query, not from old tabs
    populateFromUrl: false,         // the page put ?query= in config.opening already
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // Only local completers: the class and property completers call a remote service (LOV).
    yasqe: { value: config.opening.query, autocompleters: ["prefixes", "variables"] }
  });
  var tab = yasgui.getTab();
  if (tab) { tab.setName(config.opening.name); }
  var menu = document.getElementById("sparql-example");
  if (!menu) { return; }
  menu.hidden = false;
  menu.addEventListener("change", function () {
    var chosen = config.examples.filter(function (example) { return example.slug === menu.value; })[0];
    if (!chosen) { return; }
    var current = yasgui.getTab();
    current.setName(chosen.name);
    current.getYasqe().setValue(chosen.query);
    menu.value = "";
  });
})();
