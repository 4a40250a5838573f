/* soko merchant portal: 請求明細, the warehouse's monthly statements to the
 * merchant. #statements lists the months (open ones first, as drafts) with
 * their totals; #statement/<month> shows the month's summary by charge and
 * tax rate, and links to the 請求明細書 PDF and the CSV of every billable
 * event. A thin client of /portal/api/v1/statements. */
(function () {
  'use strict';
  var P = window.SokoPortal;
  var api = P.api, t = P.t, el = P.el, cell = P.cell, failed = P.failed;
  var $ = function (id) { return document.getElementById(id); };
  var base = '/portal/api/v1/statements';
  var lang = document.documentElement.lang;

  // yen writes an amount; an open month's list row has none yet ("—").
  function yen(n) { return n == null ? '—' : '¥' + Number(n).toLocaleString(lang === 'en' ? 'en-US' : 'ja-JP'); }

  function loadMonths() {
    api('GET', base).then(function (a) {
      if (!a.ok) return failed(a);
      var tbody = $('st-months').tBodies[0];
      tbody.textContent = '';
      a.data.data.forEach(function (m) {
        var tr = el('tr');
        tr.dataset.month = m.month;
        var link = el('a', m.month);
        link.href = '#statement/' + m.month;
        cell(tr, t('st_month'), link);
        cell(tr, t('status'), el('span', t('st_' + m.status), 'status ' + (m.status === 'closed' ? 's_shipped' : 's_on_hold')));
        cell(tr, t('st_subtotal'), yen(m.subtotal), 'n');
        cell(tr, t('st_tax'), yen(m.tax), 'n');
        cell(tr, t('st_total'), yen(m.total), 'n');
        tbody.appendChild(tr);
      });
      $('no-statements').hidden = a.data.data.length > 0;
    });
  }

  function loadStatement(month) {
    var path = base + '/' + encodeURIComponent(month);
    api('GET', path).then(function (a) {
      if (!a.ok) return failed(a);
      var st = a.data;
      $('st-title').textContent = t('st_title', {month: st.month, status: t('st_' + st.status)});
      var name = 'seikyu-' + st.merchant_code + '-' + st.month;
      $('st-pdf').href = path + '?format=pdf';
      $('st-pdf').download = name + '.pdf';
      $('st-csv').href = path + '?format=csv';
      $('st-csv').download = name + '.csv';
      $('st-csv-sjis').href = path + '?format=csv&encoding=shift_jis';
      $('st-csv-sjis').download = name + '-sjis.csv';
      var tbody = $('st-lines').tBodies[0];
      tbody.textContent = '';
      st.lines.forEach(function (l) {
        var tr = el('tr');
        cell(tr, t('st_item'), l.name);
        cell(tr, t('quantity'), Number(l.quantity).toLocaleString(), 'n');
        cell(tr, t('st_unit'), l.unit);
        cell(tr, t('st_price'), l.charge === 'adjustment' ? '' : String(l.unit_price), 'n');
        cell(tr, t('st_amount'), yen(l.amount), 'n');
        cell(tr, t('tax_rate'), l.tax_rate + '%', 'n');
        tbody.appendChild(tr);
      });
      if (!st.lines.length) {
        var none = el('tr');
        cell(none, '', t('st_no_lines'));
        tbody.appendChild(none);
      }
      var sums = $('st-summary').tBodies[0];
      sums.textContent = '';
      function sum(label, amount, id) {
        var tr = el('tr');
        if (id) tr.id = id;
        tr.appendChild(el('th', label));
        tr.appendChild(el('td', yen(amount), 'n'));
        sums.appendChild(tr);
      }
      sum(t('st_subtotal'), st.subtotal);
      st.taxes.forEach(function (x) { sum(t('st_tax_rate', {rate: x.rate, base: Number(x.base).toLocaleString()}), x.tax); });
      sum(t('st_total'), st.total, 'st-total');
    });
  }

  P.register('statements', loadMonths);
  P.register('statement', loadStatement, 'statements');
})();
