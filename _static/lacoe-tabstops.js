/* The theme gives every scrollable code block, output and table a tab stop (pydata-sphinx-theme's
 * addTabStopsToScrollableElements). It measures them all in one task at load, which forces the layout of
 * every section that content-visibility skips: half a second of a phone's main thread on the long pages.
 * lacoe_report.book.sphinx_web routes each measurement here instead.
 *
 * Measuring a box in a skipped section (scrollWidth) still lays that section out, even one box at a time
 * in idle time: Lighthouse found 20-50 ms tasks of forced layout, one per box, on the audit and
 * communication pages (most of their Total Blocking Time). So a box is measured only once it is on
 * screen (an IntersectionObserver reports it; boxes in skipped sections never intersect), in idle time.
 * Until then it keeps a tab stop: a box that may scroll stays reachable by keyboard, and focusing it
 * scrolls it into view, where it is measured (and loses the tab stop if it does not scroll). */
(function () {
  "use strict";

  var queue = [];
  var scheduled = false;
  var watching = new Set();   // boxes observed until they come on screen
  var awaiting = 0;           // observed boxes whose first report has not come yet
  var reported = new WeakSet();
  var idle = window.requestIdleCallback || function (callback) {
    return setTimeout(function () { callback({ didTimeout: true, timeRemaining: function () { return 0; } }); }, 50);
  };

  function measure(el) {
    el.tabIndex = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight ? 0 : -1;
  }

  // "pending" while boxes on screen wait for their measure, "done" once each has its tab stop
  // (what a test waits for before it checks keyboard access).
  function mark(state) { document.documentElement.dataset.lacoeTabstops = state; }

  function settle() {
    if (queue.length) { schedule(); } else if (awaiting === 0) { mark("done"); }
  }

  function run(deadline) {
    scheduled = false;
    while (queue.length) {
      measure(queue.shift());
      if (deadline.timeRemaining() <= 4) { break; }
    }
    settle();
  }

  function schedule() {
    if (!scheduled) {
      scheduled = true;
      idle(run, { timeout: 3000 });
    }
  }

  function seen(entries) {
    entries.forEach(function (entry) {
      var el = entry.target;
      if (!reported.has(el)) { reported.add(el); awaiting -= 1; }
      if (entry.isIntersecting) {
        observer.unobserve(el);
        watching.delete(el);
        reported.delete(el);
        if (queue.indexOf(el) < 0) { queue.push(el); }
      } else {
        el.tabIndex = 0;  // not measured yet: reachable by keyboard, in case it scrolls
      }
    });
    settle();
  }

  var observer = window.IntersectionObserver ? new IntersectionObserver(seen) : null;

  window.lacoeTabStop = function (el) {
    mark("pending");
    if (!observer) {
      if (queue.indexOf(el) < 0) { queue.push(el); }
      schedule();
    } else if (!watching.has(el)) {
      watching.add(el);
      awaiting += 1;
      observer.observe(el);
    }
  };
}());
