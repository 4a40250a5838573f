/* soko merchant portal: inbound notices (入荷予定). #inbounds lists them
 * and creates one by form (POST /inbounds) or from a CSV file (POST
 * /inbound-imports); #inbound/<no> follows receiving line by line with its
 * discrepancies and links the inbound sheet PDF. Registered in portal.js's
 * views; uses its helpers (window.SokoPortal). */
(function () {
  'use strict';
  var P = window.SokoPortal;
  var t = P.t, el = P.el, cell = P.cell, api = P.api, API = P.API;
  var $ = function (id) { return document.getElementById(id); };
  // products maps each of the merchant's SKUs and JANs to its product,
  // so a line may name either and show the product's name.
  var products = {sku: {}, jan: {}};
  // timer refreshes an open inbound while the warehouse receives it.
  var timer = 0;
  var REFRESH_MS = 5000;

  function statusKey(s) {
    return s === 'received' || s === 'cancelled' ? 's_' + s + '_inbound' : 's_' + s;
  }
  function statusBadge(s) { return el('span', t(statusKey(s)), 'status s_' + s); }
  function loadProducts() {
    return P.all('/products', 5000).then(function (list) {
      products = {sku: {}, jan: {}};
      list.forEach(function (p) {
        products.sku[p.sku] = p;
        (p.barcodes || []).forEach(function (b) { products.jan[b.code] = p; });
      });
    }, function () { /* the form still sends SKUs as typed */ });
  }
  // skuOf is the SKU a line's code names: a product's SKU, or the SKU of
  // the product whose JAN it is; anything else is sent as typed.
  function skuOf(code) {
    if (products.sku[code]) return code;
    if (products.jan[code]) return products.jan[code].sku;
    return code;
  }

  // --- the list ------------------------------------------------------------
  function loadInbounds() {
    clearInterval(timer);
    var canWrite = P.may('inbounds');
    $('inbound-form').hidden = !canWrite;
    $('inbound-csv').hidden = !canWrite;
    if (canWrite) loadProducts();
    P.all('/inbounds', 400).then(function (list) {
      list.reverse();
      P.fill($('inbound-table').tBodies[0], list.map(function (inb) {
        var tr = el('tr');
        tr.dataset.no = inb.inbound_no;
        var a = el('a', inb.inbound_no);
        a.href = '#inbound/' + encodeURIComponent(inb.inbound_no);
        cell(tr, t('inbound_no'), a);
        cell(tr, t('expected_date'), inb.expected_date);
        cell(tr, t('in_reference'), inb.reference);
        cell(tr, t('status'), statusBadge(inb.status));
        var want = 0, got = 0;
        inb.lines.forEach(function (l) { want += l.quantity; got += l.received; });
        cell(tr, t('in_progress'), got + ' / ' + want, 'n');
        var kinds = {};
        inb.discrepancies.forEach(function (d) { kinds[d.kind] = true; });
        cell(tr, t('difference'), Object.keys(kinds).map(function (k) { return t('in_' + k); }).join(', '), 'diff');
        return tr;
      }), 'no-inbounds');
    }, P.failed);
  }

  // --- the form ------------------------------------------------------------
  function input(name, type, label) {
    var i = el('input');
    i.name = name;
    if (type) i.type = type;
    i.setAttribute('aria-label', label);
    return i;
  }
  function addLine() {
    var tr = el('tr', null, 'in-line');
    var code = input('line_code', '', t('in_code'));
    code.maxLength = 64;
    code.required = true;
    var q = input('line_quantity', 'number', t('quantity'));
    q.min = '1';
    q.max = '1000000';
    q.required = true;
    var lot = input('line_lot', '', t('in_lot'));
    lot.maxLength = 20;
    var exp = input('line_expiry', 'date', t('in_expiry'));
    var rm = el('button', '×');
    rm.type = 'button';
    rm.title = t('in_remove');
    rm.setAttribute('aria-label', t('in_remove'));
    rm.addEventListener('click', function () {
      if ($('inbound-lines').tBodies[0].rows.length > 1) tr.remove();
    });
    [[t('in_code'), code], [t('quantity'), q], [t('in_lot'), lot], [t('in_expiry'), exp], ['', rm]].forEach(function (c) { cell(tr, c[0], c[1]); });
    $('inbound-lines').tBodies[0].appendChild(tr);
  }
  // markLines shows each refused field beside its input: lines[i].x on
  // the i-th line, the others by name.
  function markLines(form, a) {
    form.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
    form.querySelectorAll('.bad').forEach(function (e) { e.classList.remove('bad'); });
    var rows = $('inbound-lines').tBodies[0].rows;
    ((a && a.data && a.data.errors) || []).forEach(function (e) {
      var m = /^lines\[(\d+)\]\.?(\w*)/.exec(e.field);
      var target = m ? rows[+m[1]] && rows[+m[1]].querySelector('[name="line_' + (m[2] === 'sku' ? 'code' : m[2] || 'code') + '"]')
        : form.querySelector('[name="' + e.field.split(/[.[]/)[0] + '"]');
      if (!target) return;
      target.parentNode.classList.add('bad');
      target.parentNode.appendChild(el('span', e.message, 'field-error'));
    });
  }
  addLine();
  $('inbound-add').addEventListener('click', addLine);
  $('inbound-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var lines = [];
    Array.prototype.forEach.call($('inbound-lines').tBodies[0].rows, function (tr) {
      var code = tr.querySelector('[name=line_code]').value.trim();
      var line = {sku: skuOf(code), quantity: parseInt(tr.querySelector('[name=line_quantity]').value, 10) || 0};
      var lot = tr.querySelector('[name=line_lot]').value.trim(), exp = tr.querySelector('[name=line_expiry]').value;
      if (lot) line.lot = lot;
      if (exp) line.expiry = exp;
      lines.push(line);
    });
    var body = {inbound_no: f.inbound_no.value.trim(), expected_date: f.expected_date.value, lines: lines};
    if (f.reference.value.trim()) body.reference = f.reference.value.trim();
    api('POST', API + '/inbounds', body).then(function (a) {
      markLines(f, a);
      if (!a.ok) return P.failed(a);
      P.say('ok', t('in_created', {no: a.data.inbound_no}));
      f.reset();
      $('inbound-lines').tBodies[0].textContent = '';
      addLine();
      loadInbounds();
    });
  });

  // --- the CSV upload --------------------------------------------------------
  $('inbound-csv').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var file = f.file.files[0];
    if (!file) return;
    var q = [];
    if (f.inbound_no.value.trim()) q.push('inbound_no=' + encodeURIComponent(f.inbound_no.value.trim()));
    if (f.expected_date.value) q.push('expected_date=' + f.expected_date.value);
    var ul = $('inbound-csv-problems');
    ul.textContent = '';
    fetch(API + '/inbound-imports' + (q.length ? '?' + q.join('&') : ''), {
      method: 'POST', body: file, credentials: 'same-origin',
      headers: {Accept: 'application/json', 'Accept-Language': P.lang, 'Content-Type': 'text/csv', 'X-CSRF-Token': P.csrf()}
    }).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, status: r.status, data: data}; }, function () { return {ok: false, status: r.status, data: {}}; });
    }, function () { return {ok: false, status: 0, data: {detail: t('offline')}}; }).then(function (a) {
      if (!a.ok) {
        var errs = a.data.errors || [];
        errs.forEach(function (e) { ul.appendChild(el('li', e.field + ': ' + e.message)); });
        return P.say('error', errs.length ? t('in_csv_refused', {n: errs.length}) : P.problem(a));
      }
      var nos = a.data.data.map(function (i) { return i.inbound_no; });
      P.say('ok', t('in_csv_done', {n: nos.length, list: nos.join(', ')}));
      f.reset();
      loadInbounds();
    });
  });

  // --- one inbound, followed while it is received ----------------------------
  function loadInbound(no) {
    clearInterval(timer);
    Promise.all([api('GET', API + '/inbounds/' + encodeURIComponent(no)), loadProducts()]).then(function (r) {
      var a = r[0];
      if (!a.ok) return P.failed(a);
      showInbound(a.data);
      if (a.data.status === 'expected' || a.data.status === 'receiving') {
        timer = setInterval(function () {
          if (location.hash !== '#inbound/' + encodeURIComponent(no)) { clearInterval(timer); return; }
          api('GET', API + '/inbounds/' + encodeURIComponent(no)).then(function (b) {
            if (b.ok) showInbound(b.data);
            if (!b.ok || b.data.status === 'received' || b.data.status === 'cancelled') clearInterval(timer);
          });
        }, REFRESH_MS);
      }
    });
  }
  function showInbound(inb) {
    $('inbound-title').textContent = t('inbound_no') + ' ' + inb.inbound_no;
    var st = $('inbound-status');
    st.textContent = t(statusKey(inb.status));
    st.className = 'status s_' + inb.status;
    $('inbound-facts').textContent = t('in_facts', {date: inb.expected_date, ref: inb.reference || '—'});
    $('inbound-sheet').href = API + '/inbounds/' + encodeURIComponent(inb.inbound_no) + '/pdf';
    $('inbound-sheet').setAttribute('download', inb.inbound_no + '.pdf');
    var done = inb.status === 'received';
    var wrongLot = {};
    inb.discrepancies.forEach(function (d) { if (d.kind === 'wrong_lot') wrongLot[d.sku] = true; });
    var tbody = $('inbound-detail').tBodies[0];
    tbody.textContent = '';
    inb.lines.forEach(function (l) {
      var tr = el('tr');
      var diff = l.received - l.quantity;
      var state = diff > 0 ? 'over' : diff < 0 && done ? 'short' : wrongLot[l.sku] ? 'wrong_lot' : diff < 0 ? 'waiting' : 'ok';
      tr.dataset.sku = l.sku;
      tr.dataset.state = state;
      cell(tr, t('sku'), l.sku);
      cell(tr, t('name'), (products.sku[l.sku] || {}).name || '');
      cell(tr, t('in_lot'), l.lot);
      cell(tr, t('in_expiry'), l.expiry || '');
      cell(tr, t('in_expected'), l.quantity, 'n');
      cell(tr, t('received'), l.received, 'n');
      cell(tr, t('difference'), (diff > 0 ? '+' : '') + diff, 'n');
      cell(tr, t('in_state'), el('span', t('in_' + state), 'check c_' + state));
      tbody.appendChild(tr);
    });
    var ul = $('inbound-discrepancies');
    ul.textContent = '';
    inb.discrepancies.forEach(function (d) {
      var li = el('li', t('in_d_' + d.kind, {sku: d.sku, lot: d.kind === 'wrong_lot' || !d.lot ? d.lot : t('in_lot_of', {lot: d.lot}), expected: d.expected, received: d.received,
        diff: Math.abs(d.received - d.expected)}), 'c_' + d.kind);
      li.dataset.kind = d.kind;
      ul.appendChild(li);
    });
    $('no-discrepancies').hidden = inb.discrepancies.length > 0;
  }

  P.register('inbounds', loadInbounds);
  P.register('inbound', loadInbound, 'inbounds');
  window.addEventListener('hashchange', function () {
    if (location.hash.indexOf('#inbound/') !== 0) clearInterval(timer);
  });
})();
