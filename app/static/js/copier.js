// Progressive enhancement: a « Copier le lien » button. Its wrapper (or the button itself) carries
// the `hidden` attribute in the HTML, so that without JavaScript — or without the clipboard API —
// nothing that cannot work is shown.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copier]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copier"));
    var status = document.getElementById(button.getAttribute("data-copier") + "-statut");
    if (!input || !navigator.clipboard) {
      return;
    }
    var holder = button.closest("[data-copier-conteneur]") || button;
    holder.hidden = false;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) {
          status.textContent = "Lien copié dans le presse-papiers.";
        }
      });
    });
  });
});
