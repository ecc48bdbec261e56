// Explorer: apply the filter as soon as a box is ticked (the form works the same without JavaScript).
(function () {
  "use strict";
  var form = document.querySelector("form.facets");
  if (!form) return;
  form.addEventListener("change", function (ev) {
    if (ev.target && ev.target.type === "checkbox") form.submit();
  });
})();
