// Click-to-load players. The page carries no iframe: nothing is asked of the video provider
// (no request, no cookie) until the reader presses Play. Without this script the reader gets
// the poster and a plain link to the video instead.
"use strict";

document.querySelectorAll(".embed__frame[data-player]").forEach((frame) => {
  const button = frame.querySelector(".embed__play");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const url = new URL(frame.dataset.player);
    url.searchParams.set("autoplay", "1"); // they asked for it: start, don't make them click twice
    const iframe = document.createElement("iframe");
    iframe.src = url.href;
    iframe.title = frame.dataset.title;
    iframe.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
    iframe.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.replaceChildren(iframe);
    frame.classList.add("embed__frame--playing");
    iframe.focus();
  });
});
