// The reader's edition (/article): choosing a sentence opens what the graph took from it (the "taken" part of the
// sentence's own page, fetched from this server), beside the text on wide screens and under its paragraph on narrow
// ones. Keys: Enter or Space on a sentence's mark opens it, j / k (or the arrow keys on a mark) move between
// sentences, Escape closes and returns to the sentence. The legend marks only one kind. Without JavaScript every
// mark is a link to the sentence's page and the legend links to ?only=KIND.
(function () {
  "use strict";
  const reader = document.getElementById("reader");
  const panel = document.getElementById("panel");
  if (!reader || !panel) return;
  const side = reader.querySelector(".side");
  const body = panel.querySelector(".panel-body");
  const title = document.getElementById("panel-title");
  const status = document.getElementById("filter-status");
  const wide = window.matchMedia("(min-width: 60.01rem)");
  const pages = new Map();
  let current = null;

  reader.querySelectorAll(".text .m").forEach(function (mark) {
    mark.setAttribute("aria-controls", "panel");
    mark.setAttribute("aria-expanded", "false");
  });

  function only() { return reader.dataset.only || ""; }

  function sentences() {
    const kind = only();
    return Array.from(reader.querySelectorAll(".text .s")).filter(function (s) {
      return !kind || s.classList.contains("k-" + kind);
    });
  }

  function place() {
    if (wide.matches) {
      if (panel.parentElement !== side) side.insertBefore(panel, status);
    } else if (current) {
      current.after(panel);
    }
  }

  function page(href) {
    if (!pages.has(href)) {
      pages.set(href, fetch(href, { headers: { Accept: "text/html" } }).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.text();
      }));
    }
    return pages.get(href);
  }

  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function open(sentence, focusPanel) {
    if (current && current !== sentence) close(false);
    current = sentence;
    const mark = sentence.querySelector(".m");
    sentence.classList.add("active");
    mark.setAttribute("aria-expanded", "true");
    const number = sentence.id.replace(/^s0*/, "");
    title.textContent = "Sentence " + number;
    const links = document.createElement("p");
    links.className = "panel-links";
    links.append(link(mark.getAttribute("href"), "Open the page of sentence " + number),
                 link("#" + sentence.id, "Link to this sentence"));
    body.replaceChildren(links, document.createTextNode("Loading what the graph took from it…"));
    side.classList.add("open");
    panel.hidden = false;
    place();
    if (focusPanel) panel.focus();
    page(mark.getAttribute("href")).then(function (html) {
      if (current !== sentence) return;
      const taken = new DOMParser().parseFromString(html, "text/html").querySelector("#taken .taken-body");
      body.replaceChildren(links, ...(taken ? Array.from(taken.childNodes) : []));
    }).catch(function (error) {
      if (current !== sentence) return;
      body.replaceChildren(links, document.createTextNode("The statements could not be loaded (" + error.message +
        "); the sentence's page lists them."));
    });
  }

  function close(returnFocus) {
    if (!current) return;
    const sentence = current;
    current = null;
    sentence.classList.remove("active");
    sentence.querySelector(".m").setAttribute("aria-expanded", "false");
    panel.hidden = true;
    side.classList.remove("open");
    if (panel.parentElement !== side) side.insertBefore(panel, status);
    if (returnFocus) sentence.querySelector(".m").focus();
  }

  function move(step) {
    const list = sentences();
    if (!list.length) return;
    const here = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".text .s") : null;
    const from = list.indexOf(here || current);
    const index = from < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, from + step));
    const next = list[index];
    if (current) open(next, false);
    next.querySelector(".m").focus();
  }

  function filter(kind, push) {
    reader.dataset.only = kind;
    reader.className = reader.className.replace(/\s*only-\S+/g, "") + (kind ? " only-" + kind : "");
    reader.querySelectorAll(".kinds-legend a").forEach(function (a) {
      if ((a.dataset.kind || "") === kind) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    const chosen = reader.querySelector('.kinds-legend a[data-kind="' + kind + '"]');
    status.textContent = kind ? "Marking only " + chosen.textContent.replace(/\s+/g, " ").trim() + "." : "Marking every kind.";
    if (push) history.replaceState(null, "", kind ? "?only=" + kind : location.pathname);
  }

  reader.addEventListener("click", function (event) {
    const choice = event.target.closest(".kinds-legend a");
    if (choice) {
      event.preventDefault();
      filter(choice.dataset.kind || "", true);
      return;
    }
    if (event.target.closest(".panel-close")) {
      close(true);
      return;
    }
    const sentence = event.target.closest(".text .s");
    if (!sentence) return;
    const mark = event.target.closest(".m");
    if (!mark && (event.target.closest("a") || !window.getSelection().isCollapsed)) return;
    event.preventDefault();
    if (current === sentence && mark && event.detail !== 0) close(false);
    else open(sentence, event.detail === 0);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const onMark = target.classList && target.classList.contains("m") && target.closest(".text");
    if (event.key === "Escape" && current) {
      event.preventDefault();
      close(true);
    } else if (event.key === "j" || (onMark && (event.key === "ArrowDown" || event.key === "ArrowRight"))) {
      event.preventDefault();
      move(1);
    } else if (event.key === "k" || (onMark && (event.key === "ArrowUp" || event.key === "ArrowLeft"))) {
      event.preventDefault();
      move(-1);
    } else if (onMark && event.key === " ") {
      event.preventDefault();
      open(target.closest(".s"), true);
    }
  });

  wide.addEventListener("change", place);
  if (only()) filter(only(), false);
}());
