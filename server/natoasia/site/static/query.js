// The query page: YASGUI on this server's endpoint, made for people. Nothing is requested from another host:
// YASQE's prefix.cc and LOV completers are replaced by completers fed from this graph's own terms (embedded
// in the page), and the endpoint list holds only this endpoint. Results read as words: every IRI shows its
// label (asked of the endpoint in a second query) with its short name beside it and opens our page, typed
// values show plainly, and the CSV/TSV downloads carry a "<variable>_label" column beside each IRI column.
// A failed query is explained in words at its place (query-errors.js) and offers no download.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var base = config.base;
  var endpoint = window.location.origin + config.endpoint;
  var Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr, Table = Yasr.plugins.table;
  var MAX_LABELLED = 2000, PER_REQUEST = 400;
  var prefixes = {};
  config.terms.prefixes.forEach(function (p) { prefixes[p[0]] = p[1]; });
  var XSD = prefixes.xsd;  // namespaces come from the server's prefix table, never written here

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
  Table.defaults.openIriInNewWindow = false;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function localHref(iri) {
    return iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri;
  }
  function shortName(iri) {
    for (var p in prefixes) {
      if (iri.indexOf(prefixes[p]) === 0 && iri.length > prefixes[p].length) { return p + ":" + iri.slice(prefixes[p].length); }
    }
    return iri;
  }

  // ---- Values as a reader says them -------------------------------------------------------------------
  var labels = {};         // IRI -> its label, for the IRIs of the latest results
  var labelColumns = {};   // the "<variable>_label" columns added to the latest results (kept out of the table)

  function plainValue(binding) {
    if (binding.type === "uri") { return labels[binding.value] || shortName(binding.value); }
    if (binding.type === "bnode") { return "(blank node " + binding.value + ")"; }
    if (binding.datatype === XSD + "boolean") { return /^(true|1)$/.test(binding.value) ? "yes" : "no"; }
    return binding.value;  // numbers and dates as written; no quotes, datatype or language tag
  }
  Table.prototype.formatLiteral = function (binding) { return escapeHtml(plainValue(binding)); };
  Table.prototype.getCellContent = function (binding) {
    if (binding.type !== "uri") {
      return "<div><span class='nonIri'>" + escapeHtml(plainValue(binding)) + "</span></div>";
    }
    var name = shortName(binding.value), label = labels[binding.value];
    return "<div><a class='iri' href='" + escapeHtml(localHref(binding.value)) + "' title='" + escapeHtml(binding.value) + "'>" +
           escapeHtml(label || name) + "</a>" + (label ? " <span class='iri-name'>" + escapeHtml(name) + "</span>" : "") + "</div>";
  };
  // Cells show their whole value (YASR's default cuts them with "…", which hid the numbers on a narrow screen);
  // the reader may still switch the ellipsis on.
  var tableDraw = Table.prototype.draw;
  Table.prototype.draw = function (options) {
    if (this.persistentConfig.isEllipsed === undefined && !(options && "isEllipsed" in options)) {
      this.persistentConfig.isEllipsed = false;
    }
    return tableDraw.call(this, options);
  };
  var tableColumns = Table.prototype.getColumns;
  Table.prototype.getColumns = function () {
    return tableColumns.call(this).map(function (column) {
      if (labelColumns[column.name]) { column.visible = false; }
      return column;
    });
  };

  function sparqlSelect(query) {
    var body = new URLSearchParams({ query: query });
    return fetch(config.endpoint, { method: "POST", body: body, headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) { if (!r.ok) { throw new Error("labels: HTTP " + r.status); } return r.json(); });
  }

  function fetchLabels(iris) {
    var chunks = [];
    for (var i = 0; i < iris.length; i += PER_REQUEST) { chunks.push(iris.slice(i, i + PER_REQUEST)); }
    return Promise.all(chunks.map(function (chunk) {
      return sparqlSelect(
        "PREFIX rdfs: <" + prefixes.rdfs + ">\nPREFIX skos: <" + prefixes.skos + ">\n" +
        "SELECT ?iri (SAMPLE(?l) AS ?label) WHERE {\n  VALUES ?iri { " +
        chunk.map(function (iri) { return "<" + iri + ">"; }).join(" ") +
        " }\n  { ?iri rdfs:label ?l } UNION { ?iri skos:prefLabel ?l }\n" +
        "  FILTER(lang(?l) = \"\" || langMatches(lang(?l), \"en\"))\n} GROUP BY ?iri");
    })).then(function (answers) {
      var found = {};
      answers.forEach(function (a) {
        a.results.bindings.forEach(function (b) { if (b.label) { found[b.iri.value] = b.label.value; } });
      });
      return found;
    });
  }

  // Adds "<variable>_label" beside each variable that holds an IRI, so the table and every CSV/TSV carry names.
  function addLabelColumns(json, found) {
    var vars = json.head.vars, added = {}, withIris = {};
    json.results.bindings.forEach(function (row) {
      vars.forEach(function (v) { if (row[v] && row[v].type === "uri") { withIris[v] = true; } });
    });
    var columns = [];
    vars.forEach(function (v) {
      columns.push(v);
      if (!withIris[v]) { return; }
      var name = v + "_label";
      while (vars.indexOf(name) >= 0 || columns.indexOf(name) >= 0) { name += "_"; }
      columns.push(name); added[name] = v;
    });
    json.results.bindings.forEach(function (row) {
      Object.keys(added).forEach(function (name) {
        var term = row[added[name]];
        if (term && term.type === "uri" && found[term.value]) { row[name] = { type: "literal", value: found[term.value] }; }
      });
    });
    json.head.vars = columns;
    return added;
  }

  function isSelectAnswer(json) {
    return json && typeof json === "object" && json.head && Array.isArray(json.head.vars) &&
           json.results && Array.isArray(json.results.bindings);
  }

  // ---- The page's own controls ------------------------------------------------------------------------
  var root = document.getElementById("yasgui");
  var downloads = document.getElementById("downloads");
  var errorBox = document.getElementById("query-error");
  var status = document.getElementById("query-status");

  // Every answer passes here before YASR draws it: labels are added to a SELECT answer, an error is explained.
  var setResponse = Yasr.prototype.setResponse;
  var answers = 0;  // a slow label lookup must not draw over a newer answer
  Yasr.prototype.setResponse = function (response, duration) {
    var yasr = this, tab = yasgui.getTab(), query = tab.getQuery(), answer = ++answers;
    var failed = !response || response.status === undefined || response.status === 0 || response.status >= 400;
    if (failed) {
      showError(tab, query, response);
      return setResponse.call(yasr, response, duration);
    }
    clearError();
    root.classList.add("answered");
    var json = response.body;
    if (!isSelectAnswer(json)) {
      showDownloads(query, null);
      status.textContent = "The answer is shown below.";
      return setResponse.call(yasr, response, duration);
    }
    var iris = [], seen = {};
    json.results.bindings.forEach(function (row) {
      Object.keys(row).forEach(function (v) {
        var t = row[v];
        if (t.type === "uri" && !seen[t.value] && iris.length < MAX_LABELLED) { seen[t.value] = true; iris.push(t.value); }
      });
    });
    var draw = function (found) {
      if (answer !== answers) { return; }
      labels = found;
      labelColumns = addLabelColumns(json, found);
      setResponse.call(yasr, response, duration);
      showDownloads(query, json);
      var rows = json.results.bindings.length;
      status.textContent = (rows === 1 ? "1 result" : rows + " results") +
        (iris.length >= MAX_LABELLED ? "; names are shown for the first " + MAX_LABELLED + " IRIs" : "") + ".";
    };
    fetchLabels(iris).then(draw, function () { draw({}); });
  };

  var yasgui = new Yasgui(root, {
    persistenceId: null,
    populateFromUrl: true,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // The editor grows with its query and wraps long lines: no scrolling region a keyboard could not reach.
    yasqe: { autocompleters: completers.slice(), value: config.defaultQuery, lineWrapping: true,
             viewportMargin: Infinity, resizeable: false },
    yasr: { prefixes: prefixes, defaultPlugin: "table" }
  });

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    root.classList.remove("query-failed");
    if (serverMark) { serverMark.clear(); serverMark = null; }
  }

  var serverMark = null;
  function showError(tab, query, response) {
    clearError();
    var status = response ? response.status || 0 : 0;
    var message = response ? (response.text || (response.response && response.response.text) || response.message || "") : "";
    var explained = NatoasiaQueryErrors.explain(query, message, status, prefixes);
    root.classList.add("query-failed");
    downloads.hidden = true;
    downloads.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = "The query could not be run";
    var sentence = document.createElement("p");
    sentence.className = "error-sentence";
    sentence.textContent = explained.sentence;
    errorBox.appendChild(heading);
    errorBox.appendChild(sentence);
    if (explained.place) {
      var text = query.split("\n")[explained.place.line - 1];
      if (text !== undefined) {
        var start = Math.min(explained.place.column - 1, text.length), end = Math.min(start + explained.place.length, text.length);
        var excerpt = document.createElement("pre");
        excerpt.className = "error-line";
        excerpt.appendChild(document.createTextNode(explained.place.line + " │ " + text.slice(0, start)));
        var mark = document.createElement("mark");
        mark.textContent = start < text.length ? text.slice(start, end) : " ";
        mark.title = "the error is here";
        excerpt.appendChild(mark);
        excerpt.appendChild(document.createTextNode(text.slice(end)));
        errorBox.appendChild(excerpt);
        markInEditor(tab, explained);
      }
    }
    if (message) {
      var raw = document.createElement("details"), summary = document.createElement("summary"), pre = document.createElement("pre");
      summary.textContent = "The endpoint's own message (HTTP " + status + ")";
      pre.textContent = message;
      raw.appendChild(summary); raw.appendChild(pre);
      errorBox.appendChild(raw);
    }
    errorBox.hidden = false;
    status.textContent = "";  // the error box is an alert of its own
  }

  function markInEditor(tab, explained) {
    var doc = tab.getYasqe().getDoc(), place = explained.place;
    var line = Math.min(place.line - 1, doc.lineCount() - 1), length = (doc.getLine(line) || "").length;
    var column = Math.max(0, Math.min(place.column - 1, length - 1));  // an error at the end marks the last character
    serverMark = doc.markText({ line: line, ch: column }, { line: line, ch: Math.max(column + 1, Math.min(column + place.length, length)) },
                              { className: "server-error", attributes: { title: explained.sentence } });
    doc.setCursor({ line: line, ch: column });
  }

  function csvCell(value) {
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  function table(json, separator, cell) {
    var lines = [json.head.vars.map(cell).join(separator)];
    json.results.bindings.forEach(function (row) {
      lines.push(json.head.vars.map(function (v) { return cell(row[v] ? row[v].value : ""); }).join(separator));
    });
    return lines.join("\r\n") + "\r\n";
  }
  function blobLink(text, type, name, label) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = name; a.textContent = label; a.className = "labelled";
    return a;
  }

  var blobs = [];
  function showDownloads(query, json) {
    blobs.forEach(function (url) { URL.revokeObjectURL(url); });
    blobs = [];
    downloads.textContent = "";
    var graph = /^\s*(construct|describe)\b/i.test(query.replace(/^(\s*(#[^\n]*|prefix\s+\S*\s*<[^>]*>|base\s*<[^>]*>))*/i, ""));
    var heading = document.createElement("span");
    heading.textContent = "Download these results: ";
    downloads.appendChild(heading);
    if (json) {
      [[table(json, ",", csvCell), "text/csv", "results.csv", "CSV with names"],
       [table(json, "\t", function (v) { return v.replace(/[\t\r\n]+/g, " "); }), "text/tab-separated-values", "results.tsv", "TSV with names"]]
        .forEach(function (d) {
          var a = blobLink(d[0], d[1], d[2], d[3]);
          blobs.push(a.href);
          downloads.appendChild(a);
          downloads.appendChild(document.createTextNode(" "));
        });
      var note = document.createElement("span");
      note.className = "note";
      note.textContent = "(a “…_label” column beside each column of IRIs) · as the endpoint answers: ";
      downloads.appendChild(note);
    }
    var formats = graph ? [["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["ntriples", "N-Triples"], ["rdfxml", "RDF/XML"]]
                        : [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
    formats.forEach(function (f) {
      var a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(query) + "&format=" + f[0];
      a.textContent = f[1];
      a.setAttribute("download", "results." + f[0]);
      downloads.appendChild(a);
      downloads.appendChild(document.createTextNode(" "));
    });
    downloads.hidden = false;
    var address = "/query?query=" + encodeURIComponent(query);
    if (window.location.pathname + window.location.search !== address) { history.replaceState(null, "", address); }
  }

  // Back and forward between examples bring their query back into the editor and run it.
  window.addEventListener("popstate", function () {
    var query = new URLSearchParams(window.location.search).get("query");
    var yasqe = yasgui.getTab().getYasqe();
    if (query && query !== yasqe.getValue()) { yasqe.setValue(query); yasqe.query(); }
  });

  // ---- Examples: choosing one runs it, and the address can be shared ----------------------------------
  document.getElementById("examples").addEventListener("click", function (e) {
    var link = e.target.closest("a[data-example]");
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    e.preventDefault();
    var query = config.examples[+link.getAttribute("data-example")];
    var yasqe = yasgui.getTab().getYasqe();
    yasqe.setValue(query);
    history.pushState(null, "", "/query?query=" + encodeURIComponent(query));
    yasqe.query();
    document.getElementById("yasgui").scrollIntoView({ block: "start" });
  });

  // ---- Leaving the editor by keyboard: Esc then Tab, or Ctrl+M to make Tab move focus -----------------
  var keyStatus = document.getElementById("editor-keys-status");
  var tabMoves = false, leaving = false;
  function focusable() {
    return Array.prototype.filter.call(document.querySelectorAll(
      "a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"),
      function (el) { return el.offsetParent !== null || el === document.activeElement; });
  }
  function leave(cm, backwards) {
    var all = focusable(), input = cm.getInputField(), i = all.indexOf(input);
    var wrapper = cm.getWrapperElement();
    if (backwards) {
      for (var j = i - 1; j >= 0; j--) { if (!wrapper.contains(all[j])) { all[j].focus(); return; } }
    } else {
      for (var k = i + 1; k < all.length; k++) { if (!wrapper.contains(all[k])) { all[k].focus(); return; } }
    }
  }
  function tabKey(backwards) {
    return function (cm) {
      if (tabMoves || leaving) { leaving = false; leave(cm, backwards); return undefined; }
      return Yasqe.Pass;
    };
  }
  function say(text) { keyStatus.textContent = text; }
  function keys(yasqe) {
    if (yasqe.natoasiaKeys) { return; }
    yasqe.natoasiaKeys = true;
    yasqe.addKeyMap({
      "Esc": function () { leaving = true; say("Press Tab to leave the editor, Shift+Tab to go back."); },
      "Ctrl-M": function () {
        tabMoves = !tabMoves;
        say(tabMoves ? "Tab now moves to the next control; Ctrl+M again makes it indent." : "Tab indents again.");
      },
      "Tab": tabKey(false),
      "Shift-Tab": tabKey(true)
    });
    yasqe.on("keydown", function (_cm, e) { if (e.key !== "Escape" && e.key !== "Tab" && e.key !== "Shift") { leaving = false; } });
    yasqe.on("blur", function () { leaving = false; });
    var input = yasqe.getInputField();
    input.setAttribute("aria-describedby", "editor-keys");
  }

  // ---- Advanced: the endpoint box, tabs and settings stay hidden until asked for ----------------------
  var advanced = document.getElementById("advanced");
  advanced.addEventListener("click", function () {
    var open = advanced.getAttribute("aria-expanded") !== "true";
    advanced.setAttribute("aria-expanded", String(open));
    root.classList.toggle("show-advanced", open);
  });

  // YASGUI's controls without an accessible name get one; its tab list holds only tabs.
  var names = [["textarea", "SPARQL query"], ["input.autocomplete", "SPARQL endpoint"],
               ["select.tableSizer", "Rows per page"], ["input[type=search], .dataTables_filter input", "Filter the results"],
               [".yasqe_sharePopup input", "Link to this query (Esc closes)"]];
  function accessible(node) {
    names.forEach(function (n) {
      node.querySelectorAll(n[0]).forEach(function (el) {
        if (!el.hasAttribute("aria-label")) { el.setAttribute("aria-label", n[1]); }
      });
    });
    node.querySelectorAll(".tabsList button.addTab").forEach(function (b) {
      b.setAttribute("role", "tab"); b.setAttribute("aria-selected", "false");
    });
    node.querySelectorAll("table.dataTable th:empty").forEach(function (th) {
      var text = document.createElement("span"); text.className = "visually-hidden"; text.textContent = "row";
      th.appendChild(text);
    });
    node.querySelectorAll("a.iri[target]").forEach(function (a) { a.removeAttribute("target"); });
    var tab = yasgui.getTab && yasgui.getTab();
    if (tab && tab.getYasqe()) { keys(tab.getYasqe()); }
  }
  // YASQE's share pop-up: the keyboard lands in its link, and Esc closes it and returns to the share button.
  var sharing = null;
  function focusShare() {
    var popup = root.querySelector(".yasqe_sharePopup");
    if (popup && popup !== sharing) { sharing = popup; popup.querySelector("input").focus(); }
  }
  document.addEventListener("keydown", function (e) {
    var popup = root.querySelector(".yasqe_sharePopup");
    if (e.key === "Escape" && popup) {
      popup.remove();
      var share = root.querySelector(".yasqe_share");
      if (share) { share.focus(); }
    }
  });
  new MutationObserver(function () { accessible(root); focusShare(); }).observe(root, { childList: true, subtree: true });
  accessible(root);
})();
