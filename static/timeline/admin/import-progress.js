// The "Import from WordPress" page: poll the run's status until it is done or failed.
(function () {
  "use strict";
  var box = document.querySelector(".import-progress[data-status-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".import-progress__text");
  var error = box.querySelector(".import-progress__error");
  var summary = box.querySelector(".import-progress__summary");
  function show(s) {
    bar.max = Math.max(s.total, 1);
    bar.value = s.done;
    text.textContent = s.label + ": " + s.done + " of " + s.total + " posts (" +
      s.created + " created, " + s.updated + " updated).";
    if (s.error) { error.textContent = s.error; error.hidden = false; }
    if (s.summary) { summary.textContent = s.summary; summary.hidden = false; }
    if (!s.finished) window.setTimeout(poll, 1000);
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
