/* soko console: returns (返品) — the open returns with their age and a
 * slip to print, the inspected ones to complete, and what comes back, by
 * reason and by product, a product returned often flagged. */
(function () {
  'use strict';
  var C = SokoConsole, t = C.t, el = C.el, row = C.row, count = C.count;
  function $(id) { return document.getElementById(id); }
  function fill(id, items, build) {
    var tb = $(id).querySelector('tbody');
    tb.textContent = '';
    items.forEach(function (x) { tb.appendChild(build(x)); });
  }
  function actions(r) {
    var box = el('span');
    var slip = el('a', '', t('ret_slip'));
    slip.href = '/ops/returns/' + r.id + '/slip.pdf';
    slip.target = '_blank';
    slip.rel = 'noopener';
    box.appendChild(slip);
    if (r.status === 'received') {
      var b = el('button', '', t('ret_complete'));
      b.type = 'button';
      b.onclick = function () {
        C.api('POST', '/ops/returns/' + r.id + '/complete').then(function (a) {
          if (C.failed('ret-msg', a)) return;
          C.show('ret-msg', 'ok', t('ret_completed', {no: r.return_no}));
          load();
        });
      };
      box.appendChild(b);
    }
    return box;
  }
  function load() {
    C.api('GET', '/ops/returns').then(function (a) {
      if (C.failed('ret-msg', a)) return;
      var d = a.data;
      fill('ret-open', d.open, function (r) {
        var units = r.not_ours;
        r.lines.forEach(function (l) { units += l.received; });
        var tr = row([{text: r.return_no + (r.announced ? '' : ' ' + t('ret_unannounced'))}, {text: r.merchant_name}, {text: r.order_no},
          {text: r.reason_label}, {text: t('ret_d_' + r.disposition)}, {text: t('ret_s_' + r.status)},
          {text: t('ret_days', {n: r.age_days}), cls: 'n'}, {text: count(units), cls: 'n'}, {node: actions(r)}]);
        tr.dataset.no = r.return_no;
        return tr;
      });
      $('ret-none').hidden = d.open.length > 0;
      fill('ret-reasons', d.by_reason, function (c) { return row([{text: c.label}, {text: count(c.returns), cls: 'n'}]); });
      fill('ret-products', d.by_product, function (p) {
        var tr = row([{text: p.merchant}, {text: p.sku, cls: 'code'}, {text: p.name}, {text: count(p.returns), cls: 'n'},
          {text: count(p.returned), cls: 'n'}, {text: count(p.shipped), cls: 'n'}, {text: p.frequent ? t('ret_frequent') : ''}]);
        if (p.frequent) tr.className = 'alert';
        return tr;
      });
    });
  }
  C.register('returns', load);
})();
