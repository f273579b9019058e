/* The wall screen: draws the panels and refreshes them from the JSON
   endpoints named in the body's data attributes, without reloading. */
(function () {
  'use strict';
  var body = document.body;
  var data = body.dataset;
  var seconds = Math.max(parseInt(data.refresh, 10) || 5, 1);
  var mapChart = echarts.init(document.getElementById('map-chart'));
  var trendChart = echarts.init(document.getElementById('trend-chart'));
  var select = document.getElementById('commodity');
  var mapReady = false;

  function getJSON(url) {
    return fetch(url, {headers: {'Accept': 'application/json'}})
      .then(function (response) {
        if (!response.ok) { throw new Error(url + ': ' + response.status); }
        return response.json();
      });
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    return node;
  }

  function number(value, digits) {
    return Number(value).toLocaleString(document.documentElement.lang,
      {maximumFractionDigits: digits || 0});
  }

  function drawMap() {
    if (!mapReady) { return Promise.resolve(); }
    var url = data.mapUrl + '?commodity=' + encodeURIComponent(select.value);
    return getJSON(url).then(function (result) {
      var values = result.provinces.map(function (p) {
        return {name: p.code, value: p.supply, label: p.name, price: p.price};
      });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      mapChart.setOption({
        tooltip: {trigger: 'item', formatter: function (item) {
          var d = item.data || {};
          return (d.label || item.name) + '<br>' + data.labelSupply + ': ' +
            number(d.value || 0) + ' ' + result.unit +
            (d.price ? '<br>' + number(d.price) + ' / ' + result.unit : '');
        }},
        visualMap: {min: 0, max: max, left: 10, bottom: 10, calculable: true,
          text: [number(max) + ' ' + result.unit, '0'],
          textStyle: {color: '#e6eef2'},
          inRange: {color: ['#1d3a48', '#2f7f6f', '#9be08a']}},
        series: [{type: 'map', map: 'laos', nameProperty: 'shapeISO',
          roam: false, data: values,
          itemStyle: {borderColor: '#0d1b24'},
          emphasis: {label: {show: false}}}]
      });
    });
  }

  function drawTrends() {
    return getJSON(data.trendsUrl).then(function (result) {
      var series = result.series.map(function (s) {
        return {name: s.name, type: 'line', showSymbol: false,
          data: s.points};
      });
      if (result.index.length) {
        series.push({name: data.labelIndex, type: 'line', yAxisIndex: 1,
          showSymbol: false, lineStyle: {width: 4, type: 'dashed'},
          data: result.index});
      }
      trendChart.setOption({
        textStyle: {color: '#e6eef2'},
        tooltip: {trigger: 'axis'},
        legend: {textStyle: {color: '#e6eef2'}, type: 'scroll'},
        grid: {left: 70, right: 60, top: 50, bottom: 30},
        xAxis: {type: 'time'},
        yAxis: [{type: 'log', name: 'LAK', splitLine: {lineStyle: {color: '#1f3b4a'}}},
          {type: 'value', name: '', scale: true, splitLine: {show: false}}],
        series: series
      }, true);
    });
  }

  function drawFeed() {
    return getJSON(data.feedUrl).then(function (result) {
      var list = document.getElementById('feed');
      list.replaceChildren.apply(list, result.posts.map(function (p) {
        var item = document.createElement('li');
        item.appendChild(text('span', (p.kind === 'buy' ? data.labelBuy : data.labelSell) + ' · ',
          'kind-' + p.kind));
        item.appendChild(text('span', p.title + ' — ' + p.province +
          (p.quantity ? ' · ' + number(p.quantity) + ' ' + (p.unit || '') : '')));
        return item;
      }));
    });
  }

  function drawOrders() {
    return getJSON(data.ordersUrl).then(function (result) {
      document.getElementById('orders-count').textContent = number(result.orders);
      var value = Object.keys(result.value).map(function (code) {
        return number(result.value[code]) + ' ' + code;
      }).join(' · ');
      document.getElementById('orders-value').textContent = value || '–';
    });
  }

  function drawWarnings() {
    return getJSON(data.warningsUrl).then(function (result) {
      var list = document.getElementById('warnings');
      if (!result.warnings.length) {
        list.replaceChildren(text('li', data.labelNone));
        return;
      }
      list.replaceChildren.apply(list, result.warnings.slice(0, 8).map(function (w) {
        var item = document.createElement('li');
        var band = w.alps_band === 'too_short' ? w.ipa_band : w.alps_band;
        item.className = 'band-' + band;
        item.textContent = w.commodity_name + ' — ' +
          (w.province_name || data.labelNational) + ' · ' + w.month.slice(0, 7) +
          ' · ALPS ' + (w.alps === null ? data.labelTooShort : w.alps.toFixed(2) + ' (' + w.alps_band + ')') +
          ' · IPA ' + (w.ipa === null ? data.labelTooShort : w.ipa.toFixed(2) + ' (' + w.ipa_band + ')');
        return item;
      }));
    });
  }

  function refresh() {
    return Promise.all([drawMap(), drawTrends(), drawFeed(), drawOrders(),
      drawWarnings()]).then(function () {
      document.getElementById('updated').textContent =
        new Date().toLocaleTimeString(document.documentElement.lang);
      body.dataset.refreshed = String((parseInt(body.dataset.refreshed, 10) || 0) + 1);
    }).catch(function (error) {
      document.getElementById('updated').textContent = '⚠ ' + error.message;
    });
  }

  getJSON(data.geoUrl).then(function (geo) {
    echarts.registerMap('laos', geo);
    mapReady = true;
    return refresh();
  });
  select.addEventListener('change', drawMap);
  window.setInterval(refresh, seconds * 1000);
  window.addEventListener('resize', function () {
    mapChart.resize();
    trendChart.resize();
  });
}());
