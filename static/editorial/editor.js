/*
 * Editor comfort on the admin's forms (a static file: the CSP allows no inline script).
 *
 * - "Preview" next to Markdown text areas: the server renders the text as readers get it.
 * - Autosave of the new update being written on an article (every 10 s and when a field
 *   loses focus), and the "Restore your unsaved update" offer the server renders.
 * - "Add this year's update" links land with the cursor in the new update's body.
 * - "Copy" for the shared preview link.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var markdownUrl = script ? script.dataset.markdownUrl : "";
  var MARKDOWN_FIELDS = /^(lede|body|updates(-\d+)?-\d+-body)$/;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function sendJSON(url, method, payload) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: payload === undefined ? undefined : JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || "the server answered " + response.status);
        }
        return data;
      });
    });
  }

  /* ---------------------------------------------------------------- Markdown preview */

  function addPreviewButton(textarea) {
    if (!markdownUrl || textarea.dataset.editorialPreview || textarea.disabled) { return; }
    if (!MARKDOWN_FIELDS.test(textarea.name) || textarea.name.indexOf("__prefix__") !== -1) { return; }
    textarea.dataset.editorialPreview = "on";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button editorial-preview-button";
    button.textContent = "Preview";
    var pane = document.createElement("div");
    pane.className = "editorial-preview";
    pane.id = textarea.id + "-preview";
    pane.hidden = true;
    pane.setAttribute("aria-live", "polite");
    button.setAttribute("aria-controls", pane.id);
    textarea.insertAdjacentElement("afterend", pane);
    textarea.insertAdjacentElement("afterend", button);

    button.addEventListener("click", function () {
      if (!pane.hidden) {
        pane.hidden = true;
        button.textContent = "Preview";
        return;
      }
      button.disabled = true;
      sendJSON(markdownUrl, "POST", { text: textarea.value }).then(function (data) {
        // Sanitised on the server by timeline.text, like every *_html field readers get.
        pane.innerHTML = data.html || "<p><em>Nothing to preview yet.</em></p>";
      }).catch(function (error) {
        pane.textContent = "Preview failed: " + error.message + ".";
      }).then(function () {
        pane.hidden = false;
        button.textContent = "Hide preview";
        button.disabled = false;
      });
    });
  }

  function addPreviewButtons(root) {
    root.querySelectorAll("textarea").forEach(addPreviewButton);
  }

  /* ------------------------------------------------------------------ focus */

  function focusNewUpdate() {
    var body = null;
    if (location.hash === "#updates-group") {
      body = document.getElementById("id_updates-0-body");
    } else if (location.hash === "#new-update") {
      body = document.getElementById("id_body");
    }
    if (body) {
      body.focus();
      body.scrollIntoView({ block: "center" });
    }
    return body;
  }

  /* --------------------------------------------------------------- autosave */

  function setUpAutosave() {
    var box = document.getElementById("editorial-autosave");
    if (!box) { return; }
    var form = box.closest("form");
    // Rendered among the article's fields; shown where the update is written.
    var group = document.getElementById("updates-group");
    var row = box.closest(".form-row");
    if (group) {
      group.querySelector("fieldset, .inline-related").insertAdjacentElement("beforebegin", box);
      if (row && !row.querySelector(".readonly").textContent.trim()) { row.hidden = true; }
    }
    var url = box.dataset.autosaveUrl;
    var prefix = box.dataset.prefix;
    var names = JSON.parse(box.dataset.fields);
    var status = box.querySelector(".editorial-status");

    function field(name) { return form.querySelector("[name='" + prefix + name + "']"); }
    function collect() {
      var data = {};
      names.forEach(function (name) {
        var element = field(name);
        if (element) { data[name] = element.value; }
      });
      return data;
    }

    var lastSent = JSON.stringify(collect());  // the untouched form is nothing to keep
    var stopped = false;
    var blurTimer = null;

    function save() {
      if (stopped) { return; }
      var data = collect();
      var key = JSON.stringify(data);
      if (key === lastSent) { return; }
      lastSent = key;
      sendJSON(url, "POST", { fields: data }).then(function (result) {
        status.textContent = result.saved
          ? "Draft of your new update kept at " + result.saved_at_display + "."
          : "";
      }).catch(function (error) {
        lastSent = null;  // try again next time
        status.textContent = "Could not keep a draft: " + error.message + ".";
      });
    }

    window.setInterval(save, 10000);
    names.forEach(function (name) {
      var element = field(name);
      if (!element) { return; }
      element.addEventListener("blur", function () {
        window.clearTimeout(blurTimer);
        // A short wait: when the blur comes from clicking Save, the submit cancels it.
        blurTimer = window.setTimeout(save, 300);
      });
    });
    form.addEventListener("submit", function () {
      stopped = true;
      window.clearTimeout(blurTimer);
    });

    var offer = box.querySelector(".editorial-offer");
    if (!offer) { return; }
    var draft = JSON.parse(offer.dataset.draft);
    offer.querySelector("[data-editorial-restore]").addEventListener("click", function () {
      Object.keys(draft).forEach(function (name) {
        var element = field(name);
        if (!element) { return; }
        element.value = draft[name];
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
      lastSent = JSON.stringify(collect());
      offer.remove();
      status.textContent = "Your unsaved update is back in the new update form below. Save to keep it.";
      var body = field("body");
      if (body) {
        body.focus();
        body.scrollIntoView({ block: "center" });
      }
    });
    offer.querySelector("[data-editorial-discard]").addEventListener("click", function () {
      sendJSON(url, "DELETE").then(function () {
        offer.remove();
        status.textContent = "Unsaved update discarded.";
      }).catch(function (error) {
        status.textContent = "Could not discard it: " + error.message + ".";
      });
    });
  }

  /* ------------------------------------------------- save next to the update */

  function addSaveNextToNewUpdate() {
    // The article form is long: a save button under the new update keeps it one screen.
    var group = document.getElementById("updates-group");
    var form = group && group.closest("form");
    if (!form || !form.querySelector("[name=_continue]") || !group.querySelector("#id_updates-0-body")) {
      return;
    }
    var row = document.createElement("div");
    row.className = "submit-row editorial-save-row";
    var button = document.createElement("input");
    button.type = "submit";
    button.name = "_continue";
    button.className = "default";
    button.value = "Save the article with this update";
    row.appendChild(button);
    group.querySelector(".inline-related").insertAdjacentElement("afterend", row);
  }

  /* ------------------------------------------------------------ copy a link */

  function setUpCopyButtons() {
    document.querySelectorAll("[data-editorial-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = button.closest("details").querySelector("input");
        input.select();
        var copied = navigator.clipboard
          ? navigator.clipboard.writeText(input.value)
          : Promise.reject(new Error("no clipboard"));
        copied.catch(function () { document.execCommand("copy"); }).then(function () {
          button.textContent = "Copied";
        });
      });
    });
  }

  function start() {
    addPreviewButtons(document);
    document.addEventListener("formset:added", function (event) {
      addPreviewButtons(event.target);
    });
    setUpAutosave();
    addSaveNextToNewUpdate();
    setUpCopyButtons();
    // After the browser's own scroll to the #fragment, which takes the focus away.
    if (document.readyState === "complete") {
      window.setTimeout(focusNewUpdate, 0);
    } else {
      window.addEventListener("load", function () { window.setTimeout(focusNewUpdate, 0); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
