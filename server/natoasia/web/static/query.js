// The query page: examples, run, results table with links, downloads, errors with their position.
// Plain JavaScript, no library: the page works without any network access beyond this server.
(function () {
  "use strict";
  var base = window.NATOASIA_BASE;
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var status = document.getElementById("status");
  var errorBox = document.getElementById("error");
  var table = document.getElementById("results");
  var downloads = document.getElementById("downloads");

  function localHref(iri) {
    return iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = localHref(term.value);
      a.textContent = term.value.indexOf(base) === 0 ? term.value.slice(base.length) : term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.title = "@" + term["xml:lang"]; }
    }
    return td;
  }

  function showTable(data) {
    var head = table.tHead, body = table.tBodies[0];
    head.innerHTML = ""; body.innerHTML = "";
    var row = document.createElement("tr");
    var vars = data.head.vars || ["boolean"];
    vars.forEach(function (v) { var th = document.createElement("th"); th.scope = "col"; th.textContent = v; row.appendChild(th); });
    head.appendChild(row);
    if (data.boolean !== undefined) {
      var tr = document.createElement("tr");
      tr.appendChild(cell({ type: "literal", value: String(data.boolean) }));
      body.appendChild(tr);
    } else {
      data.results.bindings.forEach(function (b) {
        var tr = document.createElement("tr");
        vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
        body.appendChild(tr);
      });
    }
    table.hidden = false;
    status.textContent = (data.boolean !== undefined ? "answer: " + data.boolean : data.results.bindings.length + " rows");
  }

  function showDownloads(query, graph) {
    var formats = graph ? ["turtle", "jsonld", "ntriples", "rdfxml"] : ["json", "xml", "csv", "tsv"];
    downloads.innerHTML = "Download: ";
    formats.forEach(function (f) {
      var a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(query) + "&format=" + f;
      a.textContent = f; a.setAttribute("download", "results." + f);
      downloads.appendChild(a); downloads.appendChild(document.createTextNode(" "));
    });
    downloads.hidden = false;
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    var at = /at (\d+):(\d+)/.exec(text);
    if (at) {
      var lines = editor.value.split("\n"), line = +at[1], column = +at[2], offset = 0;
      for (var i = 0; i < line - 1 && i < lines.length; i++) { offset += lines[i].length + 1; }
      offset += Math.max(0, column - 1);
      editor.focus();
      editor.setSelectionRange(offset, Math.min(editor.value.length, offset + 1));
      errorBox.textContent = text.split("\n")[0] + " (line " + line + ", column " + column + ")";
    }
    status.textContent = "error";
  }

  function run(query) {
    errorBox.hidden = true; table.hidden = true; downloads.hidden = true;
    status.textContent = "running…";
    history.replaceState(null, "", "/query?query=" + encodeURIComponent(query));
    var pre = document.getElementById("graph-result");
    if (pre) { pre.remove(); }
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: "query=" + encodeURIComponent(query)
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { showError(response.status + ": " + text); return; }
        if ((response.headers.get("Content-Type") || "").indexOf("text/turtle") === 0) {
          var out = document.createElement("pre"); out.id = "graph-result"; out.textContent = text;
          table.parentNode.appendChild(out); status.textContent = "graph";
          showDownloads(query, true); return;
        }
        showTable(JSON.parse(text)); showDownloads(query, false);
      });
    }).catch(function (e) { showError("the endpoint could not be reached: " + e); });
  }

  document.getElementById("examples").addEventListener("change", function (e) {
    if (e.target.value !== "") { editor.value = examples[+e.target.value]; }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(editor.value); });
  var initial = new URLSearchParams(window.location.search).get("query");
  if (initial) { editor.value = initial; run(initial); }
})();
