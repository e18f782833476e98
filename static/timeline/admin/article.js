/*
 * The article's change page: each autocomplete box (select2) gets the name of the field it
 * stands for, so a screen reader says "Target, related post 3" or "Categories" rather than
 * nothing. Its <select> carries the name (an aria-label in a table row, a <label> in a form).
 * The arrows that send a row first or last (django-admin-sortable2's, which listen for clicks)
 * work from the keyboard too: Enter or Space on a focused arrow.
 */
(function () {
  "use strict";

  function nameOf(select) {
    var named = select.getAttribute("aria-label");
    if (named) {
      return named;
    }
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = nameOf(select);
      var box = select.nextElementSibling;
      if (!name || !box || !box.classList.contains("select2")) {
        return;
      }
      box.querySelectorAll(".select2-selection").forEach(function (selection) {
        selection.removeAttribute("aria-labelledby");
        selection.setAttribute("aria-label", name);
      });
      box.querySelectorAll(".select2-search__field, .select2-selection__rendered[role=textbox]").forEach(function (field) {
        field.setAttribute("aria-label", name);
      });
    });
  }

  // The admin makes the boxes when the document is ready: name them just after, and again
  // once everything has loaded (in case a script made more on the way).
  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(function () {
      nameBoxes(document);
    }, 0);
  });
  window.addEventListener("load", function () {
    nameBoxes(document);
  });
  document.addEventListener("formset:added", function (event) {
    // After the admin's own listener has turned the new row's selects into boxes.
    window.setTimeout(function () {
      nameBoxes(event.target);
    }, 0);
  });
  document.addEventListener("keydown", function (event) {
    var arrow = event.target;
    if ((event.key === "Enter" || event.key === " ") && arrow.matches && arrow.matches(".sort i[role=button]")) {
      event.preventDefault();
      arrow.click();
      arrow.focus();
    }
  });
  // Choosing in a multiple box redraws its search field.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select.admin-autocomplete")) {
      nameBoxes(event.target.parentNode);
    }
  });
})();
