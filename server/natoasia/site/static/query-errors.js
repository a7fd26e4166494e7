// A failed query explained in words: the endpoint's parser says "SPARQL syntax error at 1:10: expected
// CONSTRUCT" for a mistyped SELECT; a reader needs "Line 1, column 1: the query starts with 'SELEC', which is
// not a SPARQL keyword; did you mean SELECT?". explain(query, message, status, prefixes) returns the sentence
// and the place to mark ({line, column, length}, 1-based), looking at the query itself first (its first word,
// its prefixes) and rewording the parser's message otherwise.
(function (global) {
  "use strict";
  var FORMS = ["SELECT", "CONSTRUCT", "ASK", "DESCRIBE"];
  var UPDATES = ["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"];

  function distance(a, b) {
    var row = [], i, j, prev, next;
    for (j = 0; j <= b.length; j++) { row.push(j); }
    for (i = 1; i <= a.length; i++) {
      prev = row[0]; row[0] = i;
      for (j = 1; j <= b.length; j++) {
        next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = row[j]; row[j] = next;
      }
    }
    return row[b.length];
  }

  function nearest(word, choices) {
    var best = null, score = 3;
    choices.forEach(function (c) {
      var d = distance(word.toUpperCase(), c);
      if (d < score) { best = c; score = d; }
    });
    return best;
  }

  // The query's words outside comments, strings and <IRIs>, with their 1-based line and column.
  function words(query) {
    var found = [], line = 1, column = 1, i = 0, c, start, text;
    function advance(n) {
      for (var k = 0; k < n; k++) {
        if (query[i] === "\n") { line++; column = 1; } else { column++; }
        i++;
      }
    }
    while (i < query.length) {
      c = query[i];
      if (c === "#") { while (i < query.length && query[i] !== "\n") { advance(1); } }
      else if (c === "<" && /^<[^\s<>"{}|^`\\]*>/.test(query.slice(i))) { advance(/^<[^\s<>"{}|^`\\]*>/.exec(query.slice(i))[0].length); }
      else if (c === '"' || c === "'") {
        var close = query.indexOf(c, i + 1);
        advance(close < 0 ? query.length - i : close - i + 1);
      } else if (/[A-Za-z_?$:]/.test(c)) {
        start = { line: line, column: column };
        text = /^[?$]?[A-Za-z0-9_\-.:]*[A-Za-z0-9_\-:]|^[?$]?[A-Za-z_:]/.exec(query.slice(i))[0];
        found.push({ text: text, line: start.line, column: start.column });
        advance(text.length);
      } else { advance(1); }
    }
    return found;
  }

  function at(where, rest) {
    return "Line " + where.line + ", column " + where.column + ": " + rest;
  }

  // The first word after the PREFIX and BASE lines must say what kind of query this is.
  function firstWord(list) {
    var i = 0;
    while (i < list.length && /^(PREFIX|BASE)$/i.test(list[i].text)) {
      i += /^PREFIX$/i.test(list[i].text) ? 2 : 1;
    }
    return list[i] || null;
  }

  function badStart(list) {
    var word = firstWord(list);
    if (!word || /^[?$]/.test(word.text)) { return null; }
    var upper = word.text.toUpperCase(), place = { line: word.line, column: word.column, length: word.text.length };
    if (FORMS.indexOf(upper) >= 0) { return null; }
    if (UPDATES.indexOf(upper) >= 0) {
      return { sentence: at(place, "the query starts with " + upper + ", an update; this endpoint only answers " +
                                   "questions (SELECT, CONSTRUCT, ASK or DESCRIBE) and never changes the graph."), place: place };
    }
    var guess = nearest(upper, FORMS.concat(["PREFIX", "BASE"]));
    return { sentence: at(place, "the query starts with '" + word.text + "', which is not a SPARQL keyword; " +
                                 (guess ? "did you mean " + guess + "?" :
                                  "a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE (after its PREFIX lines).")),
             place: place };
  }

  function undeclaredPrefix(list, known) {
    var declared = {}, i;
    for (i = 0; i < list.length; i++) {
      if (/^PREFIX$/i.test(list[i].text) && list[i + 1]) { declared[list[i + 1].text.split(":")[0]] = true; }
    }
    for (i = 0; i < list.length; i++) {
      var w = list[i], colon = w.text.indexOf(":");
      if (colon < 0 || /^[?$]/.test(w.text) || (i > 0 && /^PREFIX$/i.test(list[i - 1].text))) { continue; }
      var prefix = w.text.slice(0, colon);
      if (!declared[prefix] && /^[A-Za-z][\w\-.]*$|^$/.test(prefix)) {
        var place = { line: w.line, column: w.column, length: w.text.length };
        var line = known && known[prefix] ? "PREFIX " + prefix + ": <" + known[prefix] + ">" : "PREFIX " + prefix + ": <…>";
        return { sentence: at(place, "'" + w.text + "' uses the prefix '" + prefix + ":', which the query does not declare; " +
                                     "add the line " + line + " at the top."), place: place };
      }
    }
    return null;
  }

  // The parser's "expected one of …" list, kept to what a reader can type: quoted tokens and keywords.
  function readable(expected) {
    var items = expected.split(/,\s*(?![^\[]*\])/), tokens = [], notes = [];
    items.forEach(function (item) {
      item = item.trim();
      if (/^"[^"]+"$/.test(item)) { tokens.push(item.slice(1, -1)); }
      else if (/^[A-Z][A-Z_]+$/.test(item)) { tokens.push(item); }
      else if (/^[A-Z][a-z]+( \w+)+$/.test(item)) { notes.push(item); }
    });
    return { tokens: tokens, notes: notes };
  }

  function foundAt(query, place) {
    var text = query.split("\n")[place.line - 1];
    if (text === undefined || place.column > text.length) { return null; }
    var token = /^[A-Za-z0-9_?$:\-]+|^\S/.exec(text.slice(place.column - 1));
    return token ? token[0] : null;
  }

  function fromParser(query, message) {
    var where = /at (?:line )?(\d+)(?::|, column )(\d+):?\s*([\s\S]*)$/.exec(message);
    if (!where) { return null; }
    var place = { line: +where[1], column: +where[2], length: 1 }, rest = where[3].trim();
    var found = foundAt(query, place);
    if (found) { place.length = found.length; }
    var before = (query.split("\n")[place.line - 1] || "").slice(0, place.column - 1).trim().split(/\s+/).pop();
    var what = found ? "at '" + found + "'" : "at the end of the query" + (before ? " (after '" + before + "')" : "");
    var expected = /^expected (?:one of )?([\s\S]*)$/.exec(rest);
    if (!expected) {
      return { sentence: at(place, rest.charAt(0).toLowerCase() + rest.slice(1).replace(/\s+$/, "") +
                                   (/[.?!]$/.test(rest) ? "" : ".")), place: place };
    }
    var r = readable(expected[1]), parts = [];
    r.notes.forEach(function (n) {
      parts.push(/unbound/.test(n) ? "the SELECT names a variable that nothing binds (with GROUP BY, select only " +
                                     "the grouped variables or aggregates such as (COUNT(?x) AS ?n))"
                                   : n.charAt(0).toLowerCase() + n.slice(1));
    });
    var sentence = "the query cannot be read " + what;
    if (r.tokens.length && !parts.length) {
      sentence += "; the grammar allows here " + (r.tokens.length > 1 ? "one of " : "") +
                  r.tokens.slice(0, 8).map(function (t) { return "'" + t + "'"; }).join(", ");
    }
    if (parts.length) { sentence += "; " + parts.join("; "); }
    return { sentence: at(place, sentence + "."), place: place };
  }

  function explain(query, message, status, knownPrefixes) {
    message = (message || "").trim();
    if (!status) {
      return { sentence: "The endpoint did not answer: check the connection and run the query again.", place: null };
    }
    var syntax = status >= 400 && status < 500;  // the query itself was refused: look at it first
    var list = words(query);
    var first = syntax ? badStart(list) : null;
    if (first) { return first; }
    var prefix = syntax && /prefix not found|prefix/i.test(message) ? undeclaredPrefix(list, knownPrefixes) : null;
    if (prefix) { return prefix; }
    var parsed = fromParser(query, message);
    if (parsed) { return parsed; }
    var cleaned = message.replace(/^SPARQL (syntax )?error:?\s*/i, "") || ("The endpoint answered with HTTP status " + status + ".");
    return { sentence: cleaned.charAt(0).toUpperCase() + cleaned.slice(1), place: null };
  }

  global.NatoasiaQueryErrors = { explain: explain, words: words };
})(window);
