/* Click to trace: a glued number (a link to its ledger row) opens its derivation on the page.
 * Without this script the link simply goes to the ledger row. Data: the page's
 * <script type="application/json" class="lacoe-trace-data"> blocks (see lacoe_report/book/trace).
 * Load costs little on a phone: one click listener on the document; the data are parsed on the first
 * click, and the links get their aria-expanded state in one pass that touches no layout. */
(function () {
  "use strict";

  var entries = null;
  var counter = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function row(list, term, value, asCode) {
    list.appendChild(element("dt", "", term));
    var dd = element("dd");
    dd.appendChild(asCode ? element("code", "lacoe-formula", value) : document.createTextNode(value));
    list.appendChild(dd);
  }

  function data() {
    if (entries === null) {
      entries = {};
      document.querySelectorAll("script.lacoe-trace-data").forEach(function (block) {
        var parsed = JSON.parse(block.textContent);
        Object.keys(parsed).forEach(function (id) { entries[id] = parsed[id]; });
      });
    }
    return entries;
  }

  function panelFor(link, entry) {
    var panel = element("div", "lacoe-trace-panel");
    panel.id = "lacoe-trace-panel-" + (++counter);
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "How " + entry.text + " is computed");
    panel.tabIndex = -1;

    var title = element("p", "lacoe-trace-title");
    title.appendChild(element("strong", "", entry.text));
    title.appendChild(document.createTextNode(entry.numeric ? " is computed as" : " is chosen by the rule"));
    panel.appendChild(title);

    var facts = element("dl", "lacoe-trace-facts");
    row(facts, entry.numeric ? "Formula" : "Rule", entry.formula, entry.numeric);
    if (entry.numeric) {
      row(facts, "With values", entry.substituted, true);
      row(facts, "Exact result", entry.value + " (" + entry.unit + ")", false);
    }
    panel.appendChild(facts);

    if (entry.inputs.length) {
      panel.appendChild(element("p", "lacoe-trace-subtitle", "From the report:"));
      var list = element("ul", "lacoe-trace-inputs");
      entry.inputs.forEach(function (input) {
        var item = element("li");
        item.appendChild(element("code", "", input.id));
        item.appendChild(document.createTextNode(" " + input.label + ": printed \u201c" + input.as_written +
          "\u201d (value " + input.value + ") in " + input.section + ":"));
        item.appendChild(element("blockquote", "lacoe-trace-quote", input.quote));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }

    var actions = element("p", "lacoe-trace-actions");
    var ledger = element("a", "", "Ledger entry for " + entry.key);
    ledger.href = link.getAttribute("href");
    actions.appendChild(ledger);
    var close = element("button", "lacoe-trace-close", "Close");
    close.type = "button";
    close.addEventListener("click", function () { hide(link, panel); });
    actions.appendChild(close);
    panel.appendChild(actions);

    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(link, panel); }
    });
    return panel;
  }

  function hide(link, panel) {
    panel.hidden = true;
    link.setAttribute("aria-expanded", "false");
    link.focus();
  }

  function fragment(link) {
    return (link.getAttribute("href") || "").split("#")[1];
  }

  function toggle(event) {
    if (event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var link = event.target.closest ? event.target.closest("a.lacoe-trace") : null;
    if (!link) { return; }
    var entry = data()[fragment(link)];
    if (!entry) { return; }
    event.preventDefault();
    var panel = link.lacoePanel;
    if (!panel) {
      panel = panelFor(link, entry);
      link.lacoePanel = panel;
      link.setAttribute("aria-controls", panel.id);
      var block = link.closest("p, li, dd, figcaption, td, th, blockquote") || link.parentNode;
      block.parentNode.insertBefore(panel, block.nextSibling);
      panel.hidden = true;
    }
    var opening = panel.hidden;
    panel.hidden = !opening;
    link.setAttribute("aria-expanded", opening ? "true" : "false");
    if (opening) { panel.focus(); }
  }

  function init() {
    // A link is a disclosure only when its page carries its derivation (every glued number does).
    if (!document.querySelector("script.lacoe-trace-data")) { return; }
    document.querySelectorAll("a.lacoe-trace").forEach(function (link) {
      link.setAttribute("aria-expanded", "false");
    });
    document.addEventListener("click", toggle);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
