// briefgen preview: keeps the open page in step with the workspace.
//
// The server sends an event when a build pass ends.  The page then fetches
// itself again and swaps in the parts marked data-live (status, problems,
// the document list or the document's marks).  The built page sits in a
// frame; when its file changed, a new frame loads it out of sight, is
// scrolled to where the reader was, and takes the old one's place, so the
// page updates without a flash and without losing the reader's place.
// Nothing here writes into the built page but the optional labels saying
// where each fact is written; text is only ever set as text.
"use strict";

(function () {
  const PLACES_KEY = "briefgen.preview.showPlaces";

  function showPlaces() {
    return localStorage.getItem(PLACES_KEY) !== "off";
  }

  function frameBox() {
    return document.querySelector("[data-live-frame]");
  }

  function label(frame) {
    const box = frameBox();
    const doc = frame.contentDocument;
    if (!box || !doc || !doc.body || doc.URL === "about:blank") return;
    doc.querySelectorAll(".briefgen-place, style.briefgen-place-style").forEach((el) => el.remove());
    // Links inside the built page open in a new tab: the frame stays on the brief.
    doc.querySelectorAll("a[href^='http']").forEach((a) => {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    });
    if (!showPlaces()) return;
    let places = {};
    try {
      places = JSON.parse(box.dataset.places || "{}");
    } catch (e) {
      return;
    }
    const style = doc.createElement("style");
    style.className = "briefgen-place-style";
    style.textContent =
      ".briefgen-place{display:inline-block;margin-left:.4em;padding:0 .35em;border-radius:3px;" +
      "font:500 10px/1.6 ui-monospace,monospace;color:#3b4b61;background:#e6edf6;text-decoration:none;" +
      "vertical-align:middle;cursor:copy}.briefgen-place:hover{background:#cfdcec}" +
      "@media print{.briefgen-place{display:none}}";
    doc.head.appendChild(style);
    doc.querySelectorAll("[data-fact-id]").forEach((el) => {
      const where = places[el.dataset.factId];
      if (!where) return;
      const a = doc.createElement("a");
      a.className = "briefgen-place";
      a.href = "#";
      a.title = "Where this fact is written (click to copy)";
      a.textContent = where;
      a.addEventListener("click", (event) => {
        event.preventDefault();
        copy(where, a);
      });
      el.appendChild(a);
    });
  }

  function copy(text, el) {
    const done = () => {
      const was = el.textContent;
      el.textContent = "copied";
      setTimeout(() => (el.textContent = was), 900);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => {});
  }

  function swapFrame(box, src) {
    // A frame still loading is already out of date: drop it, and keep the
    // place of the one the reader sees.
    box.querySelectorAll("iframe.loading").forEach((frame) => frame.remove());
    const old = box.querySelector("iframe");
    const fresh = document.createElement("iframe");
    fresh.title = box.dataset.title || "";
    if (box.dataset.sandbox) fresh.setAttribute("sandbox", box.dataset.sandbox);
    fresh.className = "loading";
    fresh.addEventListener("load", () => {
      try {
        const from = old && old.contentWindow;
        if (from && fresh.contentWindow) fresh.contentWindow.scrollTo(from.scrollX, from.scrollY);
      } catch (e) {
        /* a PDF viewer keeps its own place */
      }
      fresh.className = "";
      box.querySelectorAll("iframe").forEach((frame) => frame !== fresh && frame.remove());
      label(fresh);
    }, { once: true });
    fresh.src = src;
    box.querySelectorAll(".empty").forEach((el) => el.remove());
    box.appendChild(fresh);
  }

  let refreshing = null;
  let again = false;

  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
        if (!response.ok) {
          if (response.status === 404) location.href = "/"; // the document is gone from the workspace
          return;
        }
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        document.querySelectorAll("[data-live]").forEach((el) => {
          const replacement = page.getElementById(el.id);
          if (replacement) el.replaceWith(document.importNode(replacement, true));
        });
        const box = frameBox();
        const next = page.querySelector("[data-live-frame]");
        if (box && next) {
          box.className = next.className;
          box.dataset.places = next.dataset.places;
          if (next.dataset.version && next.dataset.version !== box.dataset.version) {
            box.dataset.version = next.dataset.version;
            box.dataset.src = next.dataset.src;
            swapFrame(box, next.dataset.src);
          }
        }
        document.title = page.title;
        document.body.dataset.round = String(Number(document.body.dataset.round || 0) + 1);
      } while (again);
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  function busy() {
    const status = document.getElementById("status");
    if (!status) return;
    status.className = "status status-busy";
    const text = status.querySelector(".text");
    if (text) text.textContent = "Updating…";
  }

  function connect() {
    const source = new EventSource("/_/events");
    source.addEventListener("building", busy);
    source.addEventListener("round", () => refresh());
    source.addEventListener("hello", () => refresh());
    source.onerror = () => {
      const status = document.getElementById("status");
      if (status && source.readyState === EventSource.CLOSED) {
        status.className = "status status-bad";
        status.querySelector(".text").textContent = "The preview server has stopped";
      }
    };
  }

  document.addEventListener("DOMContentLoaded", () => {
    const box = frameBox();
    const frame = box && box.querySelector("iframe");
    if (frame) {
      frame.addEventListener("load", () => label(frame));
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") label(frame);
    }
    const toggle = document.getElementById("show-places");
    if (toggle) {
      toggle.checked = showPlaces();
      toggle.addEventListener("change", () => {
        localStorage.setItem(PLACES_KEY, toggle.checked ? "on" : "off");
        const current = frameBox() && frameBox().querySelector("iframe");
        if (current) label(current);
      });
    }
    connect();
  });
})();
