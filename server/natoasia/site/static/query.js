// The query page: YASGUI on this server's endpoint. Nothing is requested from another host: YASQE's
// prefix.cc and LOV completers are replaced by completers fed from this graph's own terms (embedded in the
// page), the endpoint list holds only this endpoint, and result IRIs under our base open our pages.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var base = config.base;
  var endpoint = window.location.origin + config.endpoint;
  var Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var prefixes = {};
  config.terms.prefixes.forEach(function (p) { prefixes[p[0]] = p[1]; });

  Yasqe.forkAutocompleter("prefixes", { name: "ourPrefixes", persistenceId: null,
    get: function () { return config.terms.prefixes.map(function (p) { return p[0] + ": <" + p[1] + ">"; }); } });
  Yasqe.forkAutocompleter("class", { name: "ourClasses", bulk: true, persistenceId: null,
    get: function () { return config.terms.classes; } });
  Yasqe.forkAutocompleter("property", { name: "ourProperties", bulk: true, persistenceId: null,
    get: function () { return config.terms.properties; } });
  var completers = ["variables", "ourPrefixes", "ourClasses", "ourProperties"];
  Yasqe.defaults.autocompleters = completers.slice();
  Yasqe.defaults.value = config.defaultQuery;
  Yasgui.defaults.yasqe.autocompleters = completers.slice();
  Yasr.plugins.table.defaults.openIriInNewWindow = false;

  function localHref(iri) {
    return iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri;
  }

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: null,
    populateFromUrl: true,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: completers.slice(), value: config.defaultQuery },
    yasr: { prefixes: prefixes, defaultPlugin: "table" }
  });

  // YASGUI's controls without an accessible name get one; its tab list holds only tabs.
  var names = [["textarea", "SPARQL query"], ["input.autocomplete", "SPARQL endpoint"],
               ["select.tableSizer", "Rows per page"], ["input[type=search], .dataTables_filter input", "Filter the results"]];
  function accessible(root) {
    names.forEach(function (n) {
      root.querySelectorAll(n[0]).forEach(function (el) {
        if (!el.hasAttribute("aria-label")) { el.setAttribute("aria-label", n[1]); }
      });
    });
    root.querySelectorAll(".tabsList button.addTab").forEach(function (b) {
      b.setAttribute("role", "tab"); b.setAttribute("aria-selected", "false");
    });
    root.querySelectorAll("table.dataTable th:empty").forEach(function (th) {
      var text = document.createElement("span"); text.className = "visually-hidden"; text.textContent = "row";
      th.appendChild(text);
    });
  }

  // Links in the results: IRIs under our base open the resource page on this server, in this window.
  var root = document.getElementById("yasgui");
  new MutationObserver(function () {
    root.querySelectorAll("a.iri").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href && href.indexOf(base) === 0) { a.setAttribute("href", localHref(href)); }
      a.removeAttribute("target");
    });
    accessible(root);
  }).observe(root, { childList: true, subtree: true });
  accessible(root);

  var downloads = document.getElementById("downloads");
  function showDownloads(tab) {
    var query = tab.getQuery();
    var graph = /^\s*(construct|describe)\b/i.test(query.replace(/^(\s*(#[^\n]*|prefix\s+\S*\s*<[^>]*>|base\s*<[^>]*>))*/i, ""));
    var formats = graph ? [["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["ntriples", "N-Triples"], ["rdfxml", "RDF/XML"]]
                        : [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
    downloads.textContent = "Download these results: ";
    formats.forEach(function (f) {
      var a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(query) + "&format=" + f[0];
      a.textContent = f[1];
      a.setAttribute("download", "results." + f[0]);
      downloads.appendChild(a);
      downloads.appendChild(document.createTextNode(" "));
    });
    downloads.hidden = false;
    history.replaceState(null, "", "/query?query=" + encodeURIComponent(query));
  }
  // The endpoint's error names its line and column ("at 3:14" from the store's parser, "at line 3,
  // column 14" from the query check): mark that place in the editor too.
  var serverMark = null;
  function markServerError(tab) {
    if (serverMark) { serverMark.clear(); serverMark = null; }
    var error = document.querySelector("#yasgui .yasr .errorResult");
    var at = error && /at (?:line )?(\d+)(?::|, column )(\d+)/.exec(error.textContent);
    if (!at) { return; }
    var yasqe = tab.getYasqe(), line = Math.min(+at[1] - 1, yasqe.getDoc().lineCount() - 1);
    var length = (yasqe.getDoc().getLine(line) || "").length;
    var column = Math.max(0, Math.min(+at[2] - 1, length - 1));  // an error at the end marks the last character
    serverMark = yasqe.getDoc().markText({ line: line, ch: column }, { line: line, ch: column + 1 },
      { className: "server-error", attributes: { title: error.querySelector(".errorMessage") ?
        error.querySelector(".errorMessage").textContent : "error here" } });
    yasqe.getDoc().setCursor({ line: line, ch: column });
  }
  yasgui.on("queryResponse", function (_yasgui, tab) { showDownloads(tab); });
  // Yasr draws an error after the response event, so watch for it to appear.
  var markedError = null;
  new MutationObserver(function () {
    var error = document.querySelector("#yasgui .yasr .errorResult");
    var text = error ? error.textContent : null;
    if (text !== markedError) { markedError = text; markServerError(yasgui.getTab()); }
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  document.getElementById("examples").addEventListener("change", function (e) {
    if (e.target.value === "") { return; }
    var yasqe = yasgui.getTab().getYasqe();
    yasqe.setValue(examples[+e.target.value]);
    yasqe.focus();
  });
})();
