/*
 * The image's focal point, set by clicking the picture on its admin page (a static file: the
 * site's CSP runs no inline script). Writes the point, as fractions of the width and height,
 * into the form's hidden focal_x / focal_y fields and moves the marker there.
 */
(function () {
  "use strict";

  function round(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
  }

  function place(marker, x, y) {
    // Positioned through the CSSOM: a style attribute would be refused by the CSP.
    marker.style.left = (x * 100) + "%";
    marker.style.top = (y * 100) + "%";
  }

  function setUp(box) {
    var img = box.querySelector("img");
    var marker = box.querySelector(".images-focal__marker");
    var fieldX = document.getElementById("id_focal_x");
    var fieldY = document.getElementById("id_focal_y");
    if (!img || !marker || !fieldX || !fieldY) {
      return;
    }
    place(marker, parseFloat(fieldX.value || box.dataset.focalX), parseFloat(fieldY.value || box.dataset.focalY));
    box.classList.add("images-focal--ready");
    img.addEventListener("click", function (event) {
      var rect = img.getBoundingClientRect();
      var x = round((event.clientX - rect.left) / rect.width);
      var y = round((event.clientY - rect.top) / rect.height);
      fieldX.value = x;
      fieldY.value = y;
      place(marker, x, y);
    });
  }

  function init() {
    document.querySelectorAll(".images-focal").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
