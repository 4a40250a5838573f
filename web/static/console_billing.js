/* soko console: billing (請求, see console_billing.html), for admins. Pick a
 * merchant and a month to see its statement (a draft while the month is
 * open), download it as the 請求明細書 PDF or CSV, add an adjustment line to
 * an open month or close it; below, set the merchant's rate card from a
 * month on. The URL keeps the choice: #billing?merchant=1&month=2026-11. */
(function () {
  'use strict';
  var C = window.SokoConsole;
  var api = C.api, t = C.t, el = C.el, row = C.row, show = C.show, failed = C.failed, count = C.count;
  function $(id) { return document.getElementById(id); }
  var state = {merchant: '', month: ''};
  var prices = Array.prototype.slice.call(document.querySelectorAll('#bil-card .bil-price'));

  function yen(n) { return '¥' + count(n); }
  function base() { return '/ops/admin/merchants/' + encodeURIComponent(state.merchant); }
  function go(merchant, month) {
    var hash = '#billing?merchant=' + encodeURIComponent(merchant) + (month ? '&month=' + encodeURIComponent(month) : '');
    if (location.hash === hash) C.refresh();
    else location.hash = hash;
  }
  function option(value, text, selected) {
    var o = el('option', '', text);
    o.value = value;
    o.selected = selected;
    return o;
  }

  function load(arg) {
    var s = C.session(), admin = !!s && s.menus.indexOf('admin') >= 0;
    $('billing').querySelector('.adm-denied').hidden = admin;
    $('billing').querySelector('.adm-body').hidden = !admin;
    if (!admin) return;
    var p = new URLSearchParams(arg || '');
    state.merchant = p.get('merchant') || '';
    state.month = p.get('month') || '';
    return api('GET', '/ops/admin/merchants').then(function (a) {
      if (failed('bil-msg', a)) return;
      var sel = $('bil-merchant');
      sel.textContent = '';
      a.data.forEach(function (m) { sel.appendChild(option(String(m.id), m.code + ' ' + m.name, String(m.id) === state.merchant)); });
      if (!a.data.length) { show('bil-msg', 'warn', t('no_merchants')); return; }
      if (!state.merchant) state.merchant = sel.value;
      return Promise.all([loadMonths(), loadCard()]);
    });
  }

  function loadMonths() {
    return api('GET', base() + '/statements').then(function (a) {
      if (failed('bil-msg', a)) return;
      var sel = $('bil-month');
      sel.textContent = '';
      a.data.data.forEach(function (m) {
        sel.appendChild(option(m.month, m.month + '（' + t(m.status === 'closed' ? 'bil_closed' : 'bil_open') + '）', m.month === state.month));
      });
      if (!state.month && a.data.data.length) state.month = a.data.data[0].month;
      if (state.month) return loadStatement();
    });
  }

  function loadStatement() {
    show('bil-msg', '', t('working'));
    var path = base() + '/statements/' + encodeURIComponent(state.month);
    return api('GET', path).then(function (a) {
      $('bil-statement').hidden = true;
      if (a.status === 404 && a.ok === false && String(a.data.detail || '').length) {
        show('bil-msg', 'warn', t('bil_no_card'));
        return;
      }
      if (failed('bil-msg', a)) return;
      show('bil-msg', '', '');
      var st = a.data, closed = st.status === 'closed';
      $('bil-heading').textContent = t('bil_heading', {merchant: st.merchant_name, month: st.month, status: t(closed ? 'bil_closed' : 'bil_open')});
      $('bil-pdf').href = path + '?format=pdf';
      $('bil-csv').href = path + '?format=csv';
      $('bil-csv-sjis').href = path + '?format=csv&encoding=shift_jis';
      var body = $('bil-lines').querySelector('tbody'), foot = $('bil-lines').querySelector('tfoot');
      body.textContent = '';
      foot.textContent = '';
      st.lines.forEach(function (l) {
        body.appendChild(row([{text: l.name}, {text: count(l.quantity), cls: 'n'}, {text: l.unit},
          {text: l.charge === 'adjustment' ? '' : String(l.unit_price), cls: 'n'}, {text: yen(l.amount), cls: 'n'}, {text: l.tax_rate + '%', cls: 'n'}]));
      });
      if (!st.lines.length) body.appendChild(row([{text: t('bil_none')}, {}, {}, {}, {}, {}]));
      foot.appendChild(row([{text: t('bil_subtotal')}, {}, {}, {}, {text: yen(st.subtotal), cls: 'n'}, {}]));
      st.taxes.forEach(function (x) {
        foot.appendChild(row([{text: t('bil_tax', {rate: x.rate})}, {}, {}, {}, {text: yen(x.tax), cls: 'n'}, {}]));
      });
      var total = row([{text: t('bil_total')}, {}, {}, {}, {text: yen(st.total), cls: 'n'}, {}]);
      total.id = 'bil-total';
      foot.appendChild(total);
      $('bil-close').hidden = closed;
      $('bil-adjust').hidden = closed;
      $('bil-statement').hidden = false;
    });
  }

  // ---- the rate card ----
  function loadCard() {
    return api('GET', base() + '/rate-card').then(function (a) {
      if (failed('bil-card-msg', a)) return;
      show('bil-card-msg', '', '');
      var c = a.data.data[0] || {from: new Date().toISOString().slice(0, 7), tax_rate: 10, rounding: 'down', storage_periods: 3};
      $('bil-from').value = c.from;
      $('bil-tax').value = String(c.tax_rate);
      $('bil-rounding').value = c.rounding;
      $('bil-periods').value = String(c.storage_periods);
      prices.forEach(function (i) { i.value = c[i.dataset.field] != null ? String(c[i.dataset.field]) : ''; });
      $('bil-boxes').value = Object.keys(c.boxes || {}).sort().map(function (k) { return k + '=' + c.boxes[k]; }).join('\n');
      $('bil-fixed').value = (c.fixed || []).map(function (f) { return f.name + '=' + f.price; }).join('\n');
    });
  }
  // pairs reads "name=price" lines; a line without = is refused by name.
  function pairs(text) {
    var out = [], bad = null;
    text.split('\n').forEach(function (line) {
      line = line.trim();
      if (!line) return;
      var i = line.lastIndexOf('=');
      var price = i > 0 ? Number(line.slice(i + 1).trim()) : NaN;
      if (i <= 0 || !isFinite(price) || line.slice(i + 1).trim() === '') { bad = bad || line; return; }
      out.push([line.slice(0, i).trim(), price]);
    });
    return {list: out, bad: bad};
  }
  function saveCard(e) {
    e.preventDefault();
    var card = {from: $('bil-from').value, tax_rate: Number($('bil-tax').value), rounding: $('bil-rounding').value,
      storage_periods: Number($('bil-periods').value)};
    prices.forEach(function (i) {
      var v = i.value.trim();
      if (v !== '') card[i.dataset.field] = Number(v);
    });
    var boxes = pairs($('bil-boxes').value), fixed = pairs($('bil-fixed').value);
    if (boxes.bad || fixed.bad) { show('bil-card-msg', 'error', t('bil_bad_line', {line: boxes.bad || fixed.bad})); return; }
    if (boxes.list.length) {
      card.boxes = {};
      boxes.list.forEach(function (p) { card.boxes[p[0]] = p[1]; });
    }
    if (fixed.list.length) card.fixed = fixed.list.map(function (p) { return {name: p[0], price: p[1]}; });
    show('bil-card-msg', '', t('working'));
    api('PUT', base() + '/rate-card', card).then(function (a) {
      if (failed('bil-card-msg', a)) return;
      show('bil-card-msg', 'ok', t('bil_card_ok', {from: a.data.from}));
      loadStatement();
    });
  }

  function closeMonth() {
    if (!window.confirm(t('bil_confirm', {month: state.month}))) return;
    api('POST', base() + '/statements/' + encodeURIComponent(state.month) + '/close').then(function (a) {
      if (failed('bil-msg', a)) return;
      go(state.merchant, state.month);
      show('bil-msg', 'ok', t('bil_closed_ok', {month: state.month}));
    });
  }
  function adjust(e) {
    e.preventDefault();
    var amount = $('bil-adj-amount').value.trim().replace(/[,，]/g, '');
    if (!/^-?[0-9]+$/.test(amount) || Number(amount) === 0) { show('bil-msg', 'error', t('bil_adj_bad')); $('bil-adj-amount').focus(); return; }
    api('POST', base() + '/statements/' + encodeURIComponent(state.month) + '/adjustments',
      {description: $('bil-adj-desc').value.trim(), amount: Number(amount), tax_rate: Number($('bil-adj-rate').value)}).then(function (a) {
      if (failed('bil-msg', a)) return;
      $('bil-adj-desc').value = '';
      $('bil-adj-amount').value = '';
      loadStatement().then(function () { show('bil-msg', 'ok', t('bil_adj_ok')); });
    });
  }

  $('bil-merchant').addEventListener('change', function () { go(this.value, ''); });
  $('bil-month').addEventListener('change', function () { go(state.merchant, this.value); });
  $('bil-card').addEventListener('submit', saveCard);
  $('bil-close').addEventListener('click', closeMonth);
  $('bil-adjust').addEventListener('submit', adjust);
  C.register('billing', load);
})();
