/* The summary page's Print button (no inline handlers: the Content-Security-Policy allows none). */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
