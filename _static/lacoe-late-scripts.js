/* The theme's scripts (Bootstrap, the theme, copy buttons, toggles: some 140 kB) load once the page has
 * loaded, not while it is parsed. Deferred, they were still fetched at once, beside the page and its
 * stylesheet, and on a slow phone connection the first screen waited for their bytes (Lighthouse: the
 * largest paint 0.5 s later than without them). Nothing on the first screen needs them: the colour mode
 * is set by an inline script, and a number's derivation by lacoe-trace.js, which still loads at once.
 *
 * lacoe_report.book.sphinx_web writes each such script as <script type="lacoe/late" data-src="...">;
 * this puts the real ones in their place after the load event, in document order, and marks the page
 * (data-lacoe-scripts="done") once the last has run. */
(function () {
  "use strict";

  var root = document.documentElement;

  function done() { root.dataset.lacoeScripts = "done"; }

  function run() {
    var holders = document.querySelectorAll('script[type="lacoe/late"]');
    if (!holders.length) { done(); return; }
    var script;
    Array.prototype.forEach.call(holders, function (holder) {
      script = document.createElement("script");
      Array.prototype.forEach.call(holder.attributes, function (attribute) {
        if (attribute.name !== "type" && attribute.name !== "data-src") {
          script.setAttribute(attribute.name, attribute.value);
        }
      });
      script.async = false;  // run in document order, as deferred scripts do
      script.src = holder.getAttribute("data-src");
      holder.parentNode.replaceChild(script, holder);
    });
    script.addEventListener("load", done);
    script.addEventListener("error", done);
  }

  root.dataset.lacoeScripts = "pending";
  if (document.readyState === "complete") {
    run();
  } else {
    window.addEventListener("load", run);
  }
}());
