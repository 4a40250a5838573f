/* soko merchant portal: one product's stock (#sku/<sku>): its figures, its
 * lots and expiry, and its last 60 days drawn as a small inline SVG chart
 * (units on hand and available at the end of each day, from the stock
 * ledger through GET /products/{sku}/stock-history). */
(function () {
  'use strict';
  var P = window.SokoPortal;
  var t = P.t, el = P.el, api = P.api;
  function $(id) { return document.getElementById(id); }
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 640, H = 220, L = 56, R = 12, T = 12, B = 28;

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function shortDate(d) { return d.slice(5).replace('-', '/'); }

  // chart draws days (oldest first) as two lines over a shared scale, with
  // a column per day whose title tells that day's figures.
  function chart(days) {
    var top = 1;
    days.forEach(function (d) { top = Math.max(top, d.on_hand, d.available); });
    var bottom = 0;
    days.forEach(function (d) { bottom = Math.min(bottom, d.available); });
    var step = (W - L - R) / Math.max(1, days.length - 1);
    var x = function (i) { return L + i * step; };
    var y = function (v) { return T + (H - T - B) * (top - v) / (top - bottom); };
    var last = days[days.length - 1];
    var s = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'class': 'stock-chart',
      'aria-label': t('chart_label', {days: days.length, on_hand: last.on_hand, available: last.available})});
    [top, Math.round((top + bottom) / 2), bottom].forEach(function (v) {
      s.appendChild(svg('line', {x1: L, x2: W - R, y1: y(v), y2: y(v), 'class': 'grid'}));
      s.appendChild(svg('text', {x: L - 6, y: y(v) + 4, 'text-anchor': 'end'}, String(v)));
    });
    s.appendChild(svg('text', {x: L, y: H - 8}, shortDate(days[0].date)));
    s.appendChild(svg('text', {x: W - R, y: H - 8, 'text-anchor': 'end'}, shortDate(last.date)));
    ['on_hand', 'available'].forEach(function (k) {
      var pts = days.map(function (d, i) { return x(i).toFixed(1) + ',' + y(d[k]).toFixed(1); }).join(' ');
      s.appendChild(svg('polyline', {points: pts, 'class': 'line ' + k, 'data-series': k}));
    });
    days.forEach(function (d, i) {
      var col = svg('rect', {x: x(i) - step / 2, y: T, width: step, height: H - T - B, 'class': 'day'});
      col.appendChild(svg('title', {}, d.date + ' ' + t('on_hand') + ' ' + d.on_hand + ' / ' + t('available') + ' ' + d.available));
      s.appendChild(col);
    });
    return s;
  }

  // loads counts the views asked for: only the last one's answers are
  // drawn, so a product opened twice, or another opened before the first
  // answered, shows one product's figures and chart.
  var loads = 0;
  function load(sku) {
    var mine = ++loads;
    $('sku-title').textContent = sku;
    $('sku-figures').textContent = '';
    $('sku-lots').tBodies[0].textContent = '';
    $('sku-chart').textContent = '';
    var base = P.API + '/stock/' + encodeURIComponent(sku);
    Promise.all([api('GET', base), api('GET', P.API + '/products/' + encodeURIComponent(sku) + '/stock-history?days=60')]).then(function (r) {
      if (mine !== loads) return;
      if (!r[0].ok) return P.failed(r[0]);
      var s = r[0].data;
      $('sku-title').textContent = s.sku + ' ' + s.name;
      ['available', 'allocated', 'held', 'on_hand'].forEach(function (k) {
        var d = el('div', null, 'figure');
        d.appendChild(el('span', t(k)));
        d.appendChild(el('strong', String(s[k])));
        $('sku-figures').appendChild(d);
      });
      P.fill($('sku-lots').tBodies[0], (s.lots || []).map(function (l) {
        var tr = el('tr');
        P.cell(tr, t('lot'), l.lot || '-');
        P.cell(tr, t('expiry'), l.expiry || '-');
        P.cell(tr, t('available'), l.available, 'n');
        P.cell(tr, t('on_hand'), l.on_hand, 'n');
        return tr;
      }), 'sku-no-lots');
      if (!r[1].ok) return P.failed(r[1]);
      $('sku-chart').appendChild(chart(r[1].data.days));
    });
  }

  P.register('sku', load, 'stock');
})();
