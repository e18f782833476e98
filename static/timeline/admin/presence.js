/*
 * Who else has this change form open: checks in with the server every 30 seconds and shows
 * the others ("Anna has been editing this article since 10:42"). A notice, never a lock.
 * Loaded as a file (the admin's Content-Security-Policy allows no inline script).
 */
(function () {
  "use strict";

  const box = document.querySelector("[data-presence-url]");
  if (!box) {
    return;
  }
  const url = box.dataset.presenceUrl;
  const every = Number(box.dataset.presenceEvery) * 1000;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(notices) {
    const items = notices.map(function (text) {
      const item = document.createElement("li");
      item.className = "warning";
      item.textContent = text;
      return item;
    });
    if (!items.length) {
      box.replaceChildren();
      return;
    }
    const list = document.createElement("ul");
    list.className = "messagelist";
    list.replaceChildren(...items);
    box.replaceChildren(list);
  }

  function checkIn() {
    const body = new URLSearchParams({ csrfmiddlewaretoken: csrfToken() });
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          show(data.notices);
        }
      })
      .catch(function () {
        // Soft state: the next check-in will do.
      });
  }

  if (every > 0) {
    window.setInterval(checkIn, every);
    window.addEventListener("pagehide", function () {
      const body = new URLSearchParams({ csrfmiddlewaretoken: csrfToken(), leave: "1" });
      navigator.sendBeacon(url, body);
    });
  }
})();
