/* The theme gives every scrollable code block, output and table a tab stop (pydata-sphinx-theme's
 * addTabStopsToScrollableElements). It measures them all in one task at load, which forces the layout of
 * every section that content-visibility skips: half a second of a phone's main thread on the long pages.
 * lacoe_report.book.sphinx_web routes each measurement here instead: the same test, a few elements at a
 * time, while the browser is idle. */
(function () {
  "use strict";

  var queue = [];
  var scheduled = false;
  var idle = window.requestIdleCallback || function (callback) {
    return setTimeout(function () { callback({ didTimeout: true, timeRemaining: function () { return 0; } }); }, 50);
  };

  function measure(el) {
    el.tabIndex = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight ? 0 : -1;
  }

  // "pending" while elements wait for their measure, "done" once every one has its tab stop
  // (what a test waits for before it checks keyboard access).
  function mark(state) { document.documentElement.dataset.lacoeTabstops = state; }

  function run(deadline) {
    scheduled = false;
    do { measure(queue.shift()); } while (queue.length && deadline.timeRemaining() > 4);
    if (queue.length) { schedule(); } else { mark("done"); }
  }

  function schedule() {
    if (!scheduled) {
      scheduled = true;
      idle(run, { timeout: 3000 });
    }
  }

  window.lacoeTabStop = function (el) {
    if (queue.indexOf(el) < 0) { queue.push(el); }
    mark("pending");
    schedule();
  };
}());
