// The network picture: show or hide kinds of node, narrow it to one framework's network, zoom and pan
// (buttons, mouse wheel, dragging, arrow keys). Plain JavaScript on the server-drawn SVG.
(function () {
  "use strict";
  var svg = document.getElementById("network-picture");
  var form = document.getElementById("network-controls");
  if (!svg || !form) { return; }
  form.hidden = false;
  var full = svg.getAttribute("viewBox").split(" ").map(Number), view = full.slice();
  var nodes = Array.prototype.slice.call(svg.querySelectorAll("a.node"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll("line.edge"));

  function apply() {
    var kinds = {};
    form.querySelectorAll("input[name=kind]").forEach(function (box) { kinds[box.value] = box.checked; });
    var framework = document.getElementById("network-framework").value, near = null;
    if (framework) {
      near = {}; near[framework] = true;
      edges.forEach(function (e) {
        var ends = e.getAttribute("data-ends").split(" ");
        if (ends[0] === framework) { near[ends[1]] = true; }
        if (ends[1] === framework) { near[ends[0]] = true; }
      });
    }
    var shown = {};
    nodes.forEach(function (n) {
      var href = n.getAttribute("href");
      var visible = kinds[n.getAttribute("data-kind")] !== false && (!near || near[href] === true);
      n.style.display = visible ? "" : "none";
      shown[href] = visible;
    });
    edges.forEach(function (e) {
      var ends = e.getAttribute("data-ends").split(" ");
      e.style.display = shown[ends[0]] && shown[ends[1]] ? "" : "none";
    });
  }

  function setView(v) {
    view = v;
    svg.setAttribute("viewBox", v.map(function (x) { return x.toFixed(1); }).join(" "));
  }
  function zoom(factor) {
    var w = Math.min(full[2], Math.max(full[2] / 8, view[2] * factor)), h = w * full[3] / full[2];
    setView([view[0] + (view[2] - w) / 2, view[1] + (view[3] - h) / 2, w, h]);
  }
  function pan(dx, dy) { setView([view[0] + dx, view[1] + dy, view[2], view[3]]); }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.querySelectorAll("button[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var how = b.getAttribute("data-zoom");
      if (how === "reset") { setView(full.slice()); } else { zoom(how === "in" ? 0.8 : 1.25); }
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
  svg.addEventListener("keydown", function (e) {
    var step = view[2] / 10, keys = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (keys[e.key]) { e.preventDefault(); pan(keys[e.key][0], keys[e.key][1]); }
    if (e.key === "+" || e.key === "=") { zoom(0.8); }
    if (e.key === "-") { zoom(1.25); }
  });
})();
