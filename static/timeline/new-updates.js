/*
 * What is new on an open article page, without a reload:
 * - polls the article's updates.json (small, cached and purged with the page) and, when an
 *   update was published since the page was loaded, shows "1 new update — show"; "show"
 *   fetches the page and swaps in its updates;
 * - for a returning reader, marks the updates published since their last visit as new
 *   (the moment of that visit is kept in this browser's localStorage only).
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-new-updates]");
  var link = document.querySelector('link[rel="alternate"][type="application/json"]');
  if (!box || !link) return;
  var url = link.getAttribute("href");
  var every = Math.max(1, parseInt(box.getAttribute("data-poll-seconds"), 10) || 30) * 1000;
  var shown = parseInt(box.getAttribute("data-count"), 10) || 0;
  var storeKey = "seen:" + location.pathname;
  var lastVisit = null;
  try { lastVisit = localStorage.getItem(storeKey); } catch (e) { /* storage off */ }

  function markNew(updates, since) {
    if (!since) return;
    updates.forEach(function (u) {
      if (new Date(u.published_at) > new Date(since)) {
        var el = document.getElementById(u.anchor);
        if (el && !el.classList.contains("update--new")) {
          el.classList.add("update--new");
          var badge = document.createElement("span");
          badge.className = "update__new";
          badge.textContent = "New";
          var start = el.querySelector(".update__start") || el;
          start.insertBefore(badge, start.firstChild);
        }
      }
    });
  }

  function remember(updates) {
    var newest = updates.length ? updates[0].published_at : new Date().toISOString();
    try { localStorage.setItem(storeKey, newest); } catch (e) { /* storage off */ }
  }

  function showNew(updates) {
    var fresh = updates.length ? updates[0].anchor : "";
    fetch(location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.querySelector(".updates");
        var current = document.querySelector(".updates");
        if (next && current) current.replaceWith(document.importNode(next, true));
        else if (next) box.after(document.importNode(next, true));
        markNew(updates, lastVisit || box.getAttribute("data-loaded-at"));
        box.hidden = true;
        box.textContent = "";
        var target = fresh && document.getElementById(fresh);
        if (target) target.scrollIntoView({ block: "start" });
        remember(updates);
      });
  }

  function notice(count, updates) {
    var n = count - shown;
    box.textContent = n + (n === 1 ? " new update — " : " new updates — ");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "new-updates__show";
    button.textContent = "show";
    button.addEventListener("click", function () { shown = count; showNew(updates); });
    box.appendChild(button);
    box.hidden = false;
  }

  function poll(first) {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (first) {
          markNew(data.updates, lastVisit);
          remember(data.updates);
        } else if (data.count > shown) {
          notice(data.count, data.updates);
        }
      })
      .catch(function () { /* offline: try again later */ });
  }

  poll(true);
  setInterval(function () { if (!document.hidden) poll(false); }, every);
})();
