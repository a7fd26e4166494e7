// The network picture: show or hide kinds of node, narrow it to one framework's or one country's network (and
// fit the view to it), light up a node's neighbours on hover and keyboard focus (Escape clears), zoom and pan
// (buttons, mouse wheel, dragging, arrow keys). Plain JavaScript on the server-drawn SVG.
(function () {
  "use strict";
  var svg = document.getElementById("network-picture");
  var form = document.getElementById("network-controls");
  if (!svg || !form) { return; }
  form.hidden = false;
  var full = svg.getAttribute("viewBox").split(" ").map(Number), view = full.slice(), home = full.slice();
  var nodes = Array.prototype.slice.call(svg.querySelectorAll("a.node"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  var status = document.getElementById("network-status");
  var framework = document.getElementById("network-framework"), country = document.getElementById("network-country");
  var byHref = {};
  nodes.forEach(function (n) { byHref[n.getAttribute("href")] = n; });

  function ends(e) { return e.getAttribute("data-ends").split(" "); }
  function near(href) {
    var found = {}; found[href] = true;
    (byHref[href].getAttribute("data-near") || "").split(" ").forEach(function (h) { if (h) { found[h] = true; } });
    return found;
  }
  function label(href) { return byHref[href] ? byHref[href].querySelector("text").textContent : href; }

  function apply(changed) {
    if (changed === framework && framework.value) { country.value = ""; }
    if (changed === country && country.value) { framework.value = ""; }
    var kinds = {};
    form.querySelectorAll("input[name=kind]").forEach(function (box) { kinds[box.value] = box.checked; });
    var centre = framework.value || country.value, around = centre && byHref[centre] ? near(centre) : null;
    var shown = {}, count = 0;
    nodes.forEach(function (n) {
      var href = n.getAttribute("href");
      var visible = kinds[n.getAttribute("data-kind")] !== false && (!around || around[href] === true);
      n.style.display = visible ? "" : "none";
      shown[href] = visible;
      if (visible) { count += 1; }
    });
    edges.forEach(function (e) {
      var two = ends(e);
      e.style.display = shown[two[0]] && shown[two[1]] ? "" : "none";
    });
    clear();
    fit(shown);
    status.textContent = "Showing " + count + " of " + nodes.length + " nodes" +
      (centre ? ": the network of " + label(centre) + "." : ".");
  }

  // The view that holds every shown node with its label (never cutting one), as wide as the picture allows.
  function fit(shown) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    nodes.forEach(function (n) {
      if (!shown[n.getAttribute("href")]) { return; }
      var b = n.getBBox();
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
    });
    if (!isFinite(x0)) { home = full.slice(); setView(home); return; }
    var pad = 24, w = Math.max(x1 - x0 + 2 * pad, full[2] / 1.8), h = Math.max(y1 - y0 + 2 * pad, full[3] / 1.8);
    if (w / h > full[2] / full[3]) { h = w * full[3] / full[2]; } else { w = h * full[2] / full[3]; }
    if (w >= full[2]) { home = full.slice(); } else { home = [(x0 + x1 - w) / 2, (y0 + y1 - h) / 2, w, h]; }
    setView(home.slice());
  }

  function highlight(node) {
    var href = node.getAttribute("href"), lit = near(href);
    svg.classList.add("highlighting");
    nodes.forEach(function (n) {
      n.classList.toggle("lit", lit[n.getAttribute("href")] === true);
      n.classList.toggle("centre", n === node);
    });
    edges.forEach(function (e) { var two = ends(e); e.classList.toggle("lit", two[0] === href || two[1] === href); });
  }
  function clear() {
    svg.classList.remove("highlighting");
    nodes.forEach(function (n) { n.classList.remove("lit", "centre"); });
    edges.forEach(function (e) { e.classList.remove("lit"); });
  }
  nodes.forEach(function (n) {
    n.addEventListener("mouseenter", function () { highlight(n); });
    n.addEventListener("focus", function () { highlight(n); });
    n.addEventListener("mouseleave", clear);
    n.addEventListener("blur", clear);
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { clear(); } });

  function setView(v) {
    view = v;
    svg.setAttribute("viewBox", v.map(function (x) { return x.toFixed(1); }).join(" "));
  }
  function zoom(factor) {
    var w = Math.min(full[2], Math.max(full[2] / 8, view[2] * factor)), h = w * full[3] / full[2];
    setView([view[0] + (view[2] - w) / 2, view[1] + (view[3] - h) / 2, w, h]);
  }
  function pan(dx, dy) { setView([view[0] + dx, view[1] + dy, view[2], view[3]]); }

  form.addEventListener("change", function (e) { apply(e.target); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.querySelectorAll("button[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var how = b.getAttribute("data-zoom");
      if (how === "reset") { setView(home.slice()); } else { zoom(how === "in" ? 0.8 : 1.25); }
    });
  });
  svg.addEventListener("wheel", function (e) { e.preventDefault(); zoom(e.deltaY < 0 ? 0.9 : 1.1); }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (e) { drag = [e.clientX, e.clientY]; });
  window.addEventListener("pointerup", function () { drag = null; });
  svg.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var scale = view[2] / svg.getBoundingClientRect().width;
    pan((drag[0] - e.clientX) * scale, (drag[1] - e.clientY) * scale);
    drag = [e.clientX, e.clientY];
  });
  svg.setAttribute("tabindex", "0");
  svg.setAttribute("aria-describedby", "network-status");
  svg.addEventListener("keydown", function (e) {
    if (e.target !== svg) { return; }
    var step = view[2] / 10, keys = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (keys[e.key]) { e.preventDefault(); pan(keys[e.key][0], keys[e.key][1]); }
    if (e.key === "+" || e.key === "=") { zoom(0.8); }
    if (e.key === "-") { zoom(1.25); }
  });
  status.textContent = "Showing all " + nodes.length + " nodes.";
})();
