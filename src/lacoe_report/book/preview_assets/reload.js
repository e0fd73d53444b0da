// make preview: reload the page after each successful rebuild, show build errors on the page.
// The server sends {"version", "status" ("building" | "ok" | "error"), "message"} on every change.
(function () {
  "use strict";
  var SCROLL_KEY = "lacoe-preview-scroll:" + location.pathname;
  var seen = null;
  var box = null;

  function banner() {
    if (box) { return box; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/__preview__/preview.css";
    document.head.appendChild(link);
    box = document.createElement("div");
    box.id = "lacoe-preview";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    document.body.appendChild(box);
    return box;
  }

  function show(state) {
    var b = banner();
    b.className = "lacoe-preview-" + state.status;
    b.textContent = "";
    var title = document.createElement("strong");
    title.textContent = state.status === "error" ? "The preview did not rebuild:" : "Rebuilding\u2026";
    b.appendChild(title);
    if (state.status === "error") {
      var text = document.createElement("pre");
      text.textContent = state.message;  // plain text: never parsed as HTML
      b.appendChild(text);
    }
    b.hidden = false;
  }

  // Come back to where the reader was before the reload.
  var saved = sessionStorage.getItem(SCROLL_KEY);
  if (saved !== null) {
    sessionStorage.removeItem(SCROLL_KEY);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }

  var events = new EventSource("/__preview__/events");
  events.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (state.status === "ok") {
      if (seen !== null && state.version !== seen) {
        sessionStorage.setItem(SCROLL_KEY, String(window.scrollY));
        location.reload();
        return;
      }
      seen = state.version;
      if (box) { box.hidden = true; }
    } else {
      if (seen === null) { seen = state.version; }
      show(state);
    }
  };
}());
