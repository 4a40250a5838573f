/* soko console: replenishment (発注提案, see console_replenish.html). A
 * merchant's suggestions per supplier, each product with a small chart of
 * its stock over the last 60 days and its projection, drawn by the server
 * as SVG; "accept" orders a supplier's suggested quantities (a purchase
 * order and its inbound notice in one go). Below, drafts the morning's
 * 自動発注 raised wait for approval, beside the latest orders with their
 * PDF and CSV. The merchant and window live in the URL
 * (#replenish?merchant=1&window=28). */
(function () {
  'use strict';
  var C = window.SokoConsole;
  var api = C.api, t = C.t, el = C.el, row = C.row, show = C.show, failed = C.failed, count = C.count;
  var loading = C.latest();
  function $(id) { return document.getElementById(id); }
  var current = {merchant: '', window: ''};

  function load(arg) {
    var q = new URLSearchParams(arg ? arg.replace(/^\?/, '') : '');
    current.merchant = q.get('merchant') || current.merchant;
    current.window = q.get('window') || '';
    $('rp-window').value = current.window;
    merchants().then(function () {
      if (!current.merchant && $('rp-merchant').options.length) current.merchant = $('rp-merchant').options[0].value;
      $('rp-merchant').value = current.merchant;
      refresh();
    });
  }
  function merchants() {
    if ($('rp-merchant').options.length) return Promise.resolve();
    return api('GET', '/ops/merchants').then(function (a) {
      if (!a.ok) return;
      a.data.forEach(function (m) {
        var o = el('option', '', m.code + ' ' + m.name);
        o.value = m.id;
        $('rp-merchant').appendChild(o);
      });
    });
  }
  function query() {
    return '?merchant_id=' + encodeURIComponent(current.merchant) + (current.window ? '&window_days=' + encodeURIComponent(current.window) : '');
  }
  // refresh reloads the section; after an action it keeps the action's
  // message on screen. Only the latest load's answer is drawn.
  function refresh(keepMsg) {
    if (!current.merchant) return;
    var newest = loading();
    if (!keepMsg) show('rp-msg', '', t('working'));
    api('GET', '/ops/replenishment' + query()).then(function (a) {
      if (!newest()) return;
      if (failed('rp-msg', a)) return;
      if (!keepMsg) show('rp-msg', '', '');
      render(a.data);
    });
  }
  function cover(s) {
    if (s.days_of_cover === null || s.days_of_cover === undefined) return t('rp_no_demand');
    return count(s.days_of_cover);
  }
  function render(d) {
    $('rp-auto').hidden = !d.settings.auto_order;
    if (!current.window) $('rp-window').value = d.window_days;
    var box = $('rp-suppliers');
    box.textContent = '';
    d.suppliers.forEach(function (g) {
      var sec = el('section', 'rp-supplier');
      sec.dataset.supplier = g.supplier.supplier_code;
      var head = el('h3', '', g.supplier.name + ' (' + g.supplier.supplier_code + ')');
      sec.appendChild(head);
      sec.appendChild(el('p', 'muted', t('rp_lead', {days: g.supplier.lead_time_days, min: g.supplier.min_order_qty, multiple: g.supplier.order_multiple}) +
        (g.supplier.contact ? ' · ' + g.supplier.contact : '')));
      var table = el('table', 'rp-lines'), thead = el('thead'), hr = el('tr');
      ['SKU', t('name'), t('rp_chart'), t('rp_on_hand'), t('rp_available'), t('rp_inbound'), t('rp_demand'), t('rp_cover'), t('rp_target'), t('rp_quantity')].forEach(function (h, i) {
        hr.appendChild(el('th', i >= 3 ? 'n' : '', h));
      });
      thead.appendChild(hr);
      table.appendChild(thead);
      var body = el('tbody'), ordering = 0;
      g.suggestions.forEach(function (s) {
        var img = el('img', 'rp-chart');
        img.width = 360; img.height = 120;
        img.alt = t('rp_chart') + ' ' + s.sku;
        img.src = '/ops/replenishment/chart' + query() + '&sku=' + encodeURIComponent(s.sku);
        var qty = el('input', 'rp-qty');
        qty.type = 'number'; qty.min = 0; qty.step = g.supplier.order_multiple; qty.value = s.quantity;
        qty.dataset.sku = s.sku;
        qty.setAttribute('aria-label', t('rp_quantity') + ' ' + s.sku);
        if (s.quantity > 0) ordering++;
        body.appendChild(row([{text: s.sku}, {text: s.name}, {node: img}, {text: count(s.on_hand), cls: 'n'}, {text: count(s.available), cls: 'n'},
          {text: count(s.inbound + s.drafted), cls: 'n'}, {text: String(s.daily_demand), cls: 'n'}, {text: cover(s), cls: 'n'},
          {text: count(s.target), cls: 'n'}, {node: qty, cls: 'n'}]));
      });
      table.appendChild(body);
      sec.appendChild(table);
      var accept = el('button', 'primary rp-accept', t('rp_accept'));
      accept.type = 'button';
      accept.addEventListener('click', function () { order(g.supplier.supplier_code, sec, accept); });
      sec.appendChild(accept);
      if (!ordering) sec.appendChild(el('span', 'muted', ' ' + t('rp_nothing')));
      box.appendChild(sec);
    });
    $('rp-none').hidden = d.suppliers.length > 0;
    var orders = $('rp-orders').querySelector('tbody');
    orders.textContent = '';
    d.purchase_orders.forEach(function (po) {
      var actions = el('span', 'rp-actions');
      if (po.status === 'draft') {
        var approve = el('button', 'primary', t('rp_approve'));
        approve.type = 'button';
        approve.addEventListener('click', function () {
          approve.disabled = true;
          api('POST', '/ops/purchase-orders/' + po.id + '/approve').then(function (a) {
            if (failed('rp-msg', a)) { approve.disabled = false; return; }
            show('rp-msg', 'ok', t('rp_approved', {po: a.data.po_no}));
            refresh(true);
          });
        });
        actions.appendChild(approve);
      }
      ['pdf', 'csv'].forEach(function (kind) {
        var link = el('a', '', kind.toUpperCase());
        link.href = '/ops/purchase-orders/' + po.id + '/purchase-order.' + kind;
        link.target = '_blank';
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(link);
      });
      var units = po.lines.reduce(function (n, l) { return n + l.quantity; }, 0);
      orders.appendChild(row([{text: po.po_no}, {text: po.supplier_name}, {text: t('rp_' + po.status)}, {text: count(units), cls: 'n'},
        {text: po.expected_date}, {node: actions}]));
    });
    $('rp-orders').hidden = !d.purchase_orders.length;
    $('rp-no-orders').hidden = d.purchase_orders.length > 0;
  }
  function order(code, sec, button) {
    var lines = [];
    sec.querySelectorAll('input.rp-qty').forEach(function (q) {
      var n = parseInt(q.value, 10);
      if (n > 0) lines.push({sku: q.dataset.sku, quantity: n});
    });
    if (!lines.length) { show('rp-msg', 'warn', t('rp_nothing')); return; }
    button.disabled = true;
    var body = {merchant_id: Number(current.merchant), supplier_code: code, lines: lines};
    if (current.window) body.window_days = Number(current.window);
    api('POST', '/ops/replenishment/accept', body).then(function (a) {
      button.disabled = false;
      if (failed('rp-msg', a)) return;
      show('rp-msg', 'ok', t('rp_accepted', {po: a.data.po_no}));
      refresh(true);
    });
  }
  $('rp-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = new URLSearchParams({merchant: $('rp-merchant').value});
    if ($('rp-window').value) q.set('window', $('rp-window').value);
    location.hash = 'replenish?' + q.toString();
  });
  C.register('replenish', load);
})();
