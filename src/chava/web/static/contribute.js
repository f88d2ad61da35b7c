/* Contribution forms: pick linked resources as you type (the form works without this script:
   its "Search" buttons ask the server). Text is only ever set with textContent. */
(function () {
  "use strict";
  var lang = document.documentElement.getAttribute("lang") || "";

  function choose(picker, item) {
    var chosen = picker.querySelector("ul.chosen");
    var key = picker.getAttribute("data-field");
    if (picker.getAttribute("data-repeatable") !== "true") {
      while (chosen.firstChild) { chosen.removeChild(chosen.firstChild); }
    }
    var existing = chosen.querySelectorAll("input");
    for (var i = 0; i < existing.length; i++) {
      if (existing[i].value === item.id) { return; }
    }
    var li = document.createElement("li");
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = key; box.value = item.id; box.checked = true;
    var text = document.createElement("span");
    text.textContent = item.label;
    if (item.language) { text.setAttribute("lang", item.language); }
    label.appendChild(box); label.appendChild(document.createTextNode(" ")); label.appendChild(text);
    li.appendChild(label);
    chosen.appendChild(li);
  }

  function show(picker, items) {
    var list = picker.querySelector("ul.found");
    if (!list) {
      list = document.createElement("ul");
      list.className = "found";
      picker.appendChild(list);
    }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var hints = picker.querySelectorAll("p.help, p.muted");
    for (var h = 0; h < hints.length; h++) { hints[h].hidden = true; }
    items.forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pick";
      button.textContent = item.label;
      if (item.language) { button.setAttribute("lang", item.language); }
      button.addEventListener("click", function () {
        choose(picker, item);
        list.removeChild(li);
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function search(picker, input) {
    var query = input.value.trim();
    if (query.length < 2) { show(picker, []); return; }
    var url = "/contributions/candidates?" + new URLSearchParams({
      kind: picker.getAttribute("data-kind"), field: picker.getAttribute("data-field"),
      q: query, lang: lang
    }).toString();
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (body) { if (input.value.trim() === query) { show(picker, body.items); } })
      .catch(function () { /* the Search button still works */ });
  }

  document.querySelectorAll("fieldset.picker").forEach(function (picker) {
    var input = picker.querySelector("input[type=search]");
    var timer = null;
    if (!input) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(picker, input); }, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(picker, input); }
    });
  });
})();
