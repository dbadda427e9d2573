// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen-reader and keyboard users hear the errors first.
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }
});
