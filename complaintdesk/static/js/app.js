// Small behaviours htmx does not cover. No framework; everything degrades to plain links/forms.
(function () {
  "use strict";

  // Language switch: submit as soon as another language is picked.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
      target.form.submit();
    }
  });

  // "Cancel" in an action form loaded into the panel just closes it, no page load.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-dismiss]");
    var panel = link && link.closest("#action-panel");
    if (panel) {
      event.preventDefault();
      panel.innerHTML = "";
    }
  });

  // Mark the action button whose form is open, and put the cursor in the form.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "action-panel") {
      return;
    }
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    document.querySelectorAll("[data-action]").forEach(function (button) {
      button.classList.toggle("is-open", button === source);
    });
    var first = target.querySelector("select, input:not([type=hidden]), textarea");
    if (first) {
      first.focus();
    }
    target.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
})();
