// The query editor of /sparql: YASGUI (vendored in static/yasgui/), fed by the page's JSON config:
// the endpoint, the project's prefixes and one tab per catalogued example query.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var source = document.getElementById("sparql-config");
  if (!root || !source || typeof Yasgui === "undefined") { return; }
  var config = JSON.parse(source.textContent);
  var prologue = Object.keys(config.prefixes).map(function (prefix) {
    return "PREFIX " + prefix + ": <" + config.prefixes[prefix] + ">";
  }).join("\n");
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,            // always start from the catalogue, not from old tabs
    populateFromUrl: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // Only local completers: the class and property completers call a remote service (LOV).
    yasqe: {
      value: prologue + "\n\nSELECT * WHERE {\n  ?subject ?predicate ?object\n} LIMIT 10\n",
      autocompleters: ["prefixes", "variables"]
    }
  });
  config.tabs.forEach(function (tab) {
    yasgui.addTab(false, Object.assign({}, Yasgui.Tab.getDefaults(), {
      name: tab.name,
      requestConfig: Object.assign({}, Yasgui.defaults.requestConfig, { endpoint: endpoint }),
      yasqe: { value: tab.query }
    }));
  });
})();
