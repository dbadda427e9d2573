// Path page, progressive enhancement only: the print button (the page prints fine with Ctrl+P too).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-pf-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
