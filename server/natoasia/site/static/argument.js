// The argument map's graph (templates/argument.html): focusing or hovering a node keeps it and its neighbours
// bright and says what it is below the drawing; the arrow keys move between nodes; Escape clears.
(function () {
  "use strict";
  // A node's page: where the drawing is shown, its list starts closed (the page stays short); open otherwise.
  const figure = document.querySelector(".diagram-figure");
  const block = document.querySelector(".argument-list-block");
  if (figure && block && getComputedStyle(figure).display !== "none") block.open = false;
  const svg = document.querySelector(".map-svg");
  if (!svg) return;
  const details = document.getElementById("map-details");
  const idle = details.textContent;
  const nodes = Array.from(svg.querySelectorAll(".map-node"));
  const byId = new Map();
  svg.querySelectorAll("[data-id]").forEach(function (el) { byId.set(el.dataset.id, el); });

  function clear() {
    svg.classList.remove("narrowed");
    svg.querySelectorAll(".near, .chosen").forEach(function (el) { el.classList.remove("near", "chosen"); });
    details.textContent = idle;
  }

  function choose(node) {
    clear();
    svg.classList.add("narrowed");
    node.classList.add("near", "chosen");
    const names = [];
    node.dataset.near.split(" ").filter(Boolean).forEach(function (id) {
      const el = byId.get(id);
      if (!el) return;
      el.classList.add("near");
      if (el.classList.contains("map-node")) names.push(el.dataset.label);
    });
    details.textContent = node.dataset.kind + ": " + node.dataset.label +
      (names.length ? " — linked to " + names.length + ": " + names.join("; ") : " — no links drawn");
  }

  nodes.forEach(function (node, index) {
    node.addEventListener("focus", function () { choose(node); });
    node.addEventListener("mouseenter", function () { choose(node); });
    node.addEventListener("mouseleave", function () { if (document.activeElement !== node) clear(); });
    node.addEventListener("blur", clear);
    node.addEventListener("keydown", function (event) {
      const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
      if (step) {
        event.preventDefault();
        nodes[(index + step + nodes.length) % nodes.length].focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        node.blur();
        clear();
      }
    });
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") clear(); });
})();
