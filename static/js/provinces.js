// Progressive enhancement for forms with a region and a province: the province list offers only
// the chosen region's provinces. Without JavaScript every province is listed, grouped by region,
// and the server refuses a province outside the chosen region.
(function () {
  "use strict";
  var provinces = document.querySelectorAll("select[data-region-select]");
  Array.prototype.forEach.call(provinces, function (province) {
    var region = document.getElementById(province.dataset.regionSelect);
    if (!region) return;

    function follow() {
      var chosen = region.value;
      Array.prototype.forEach.call(province.querySelectorAll("option[data-region]"), function (option) {
        var outside = chosen !== "" && option.dataset.region !== chosen;
        option.hidden = outside;
        option.disabled = outside;
        if (outside && option.selected) province.value = "";
      });
      Array.prototype.forEach.call(province.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    }

    region.addEventListener("change", follow);
    follow();
  });
})();
