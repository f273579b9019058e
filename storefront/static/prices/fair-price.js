/* The fair-price hint of the vendor's listing form: the recent market
   range of the chosen commodity in the chosen province. */
(function () {
  'use strict';
  var hint = document.getElementById('fair-price');
  if (!hint) { return; }
  var category = document.querySelector('select[name="category"]');
  var province = document.querySelector('select[name="origin_province"]');
  if (!category) { return; }
  function format(value) {
    return Number(value).toLocaleString(document.documentElement.lang,
      {maximumFractionDigits: 0});
  }
  function update() {
    var url = hint.dataset.url + '?category=' + encodeURIComponent(category.value) +
      '&province=' + encodeURIComponent(province ? province.value : '');
    fetch(url, {headers: {'Accept': 'application/json'}})
      .then(function (response) { return response.ok ? response.json() : {range: null}; })
      .then(function (result) {
        var r = result.range;
        if (!r) { hint.textContent = ''; return; }
        hint.textContent = hint.dataset.text
          .replace('%(minimum)s', format(r.minimum))
          .replace('%(maximum)s', format(r.maximum))
          .replace('%(median)s', format(r.median))
          .replace('%(unit)s', r.unit) + (r.national ? ' ' + hint.dataset.national : '');
      });
  }
  category.addEventListener('change', update);
  if (province) { province.addEventListener('change', update); }
}());
