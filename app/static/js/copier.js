// Progressive enhancement: a « Copier le lien » button (hidden without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copier]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copier"));
    var status = document.getElementById(button.getAttribute("data-copier") + "-statut");
    if (!input || !navigator.clipboard) {
      return;
    }
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
