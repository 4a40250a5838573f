/* soko console: the order import section (受注取込, see
 * console_orderimport.html). A file is previewed first: the server reads
 * and checks every row and writes nothing. Import is offered only for the
 * file, merchant and layout just previewed, and only when the preview found
 * no problem; the server checks the file again and imports it whole or not
 * at all. Files go up with XMLHttpRequest, whose upload events drive the
 * progress bar that fetch cannot. */
(function () {
  'use strict';
  var C = window.SokoConsole, t = C.t, el = C.el, row = C.row, count = C.count;
  function $(id) { return document.getElementById(id); }
  var previewed = null; // {file, merchant, format} of a preview without problems
  var busy = false;

  function query() {
    return '?merchant_id=' + encodeURIComponent($('oi-merchant').value) + '&format=' + encodeURIComponent($('oi-format').value);
  }
  // progress shows the upload's share sent, or, with pct null, that the
  // server is working (an indeterminate bar).
  function progress(pct, text) {
    var bar = $('oi-bar');
    $('oi-progress').hidden = false;
    if (pct == null) bar.removeAttribute('value'); else bar.value = pct;
    $('oi-progress-text').textContent = text;
  }
  function lock(on) {
    busy = on;
    $('oi-preview').disabled = on;
    if (on) $('oi-import').disabled = true;
  }
  // send posts the file as text/csv and answers {ok, status, data} like SokoOps.api.
  function send(path, file, working, done) {
    var x = new XMLHttpRequest();
    x.open('POST', path);
    x.setRequestHeader('Content-Type', 'text/csv');
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Accept-Language', SokoOps.lang);
    x.setRequestHeader('X-CSRF-Token', C.session().csrf_token);
    x.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var pct = Math.floor(e.loaded * 100 / e.total);
        progress(pct, t('oi_uploading', {pct: pct}));
      }
    };
    x.upload.onload = function () { progress(null, working); };
    x.onload = function () {
      var data = {};
      try { data = x.responseText ? JSON.parse(x.responseText) : {}; } catch (e) { /* keep the status */ }
      done({ok: x.status >= 200 && x.status < 300, status: x.status, data: data});
    };
    x.onerror = function () { done({ok: false, status: 0, offline: true, data: {detail: t('oi_failed_network')}}); };
    progress(0, t('oi_uploading', {pct: 0}));
    x.send(file);
  }
  function finished() {
    $('oi-progress').hidden = true;
    lock(false);
  }
  function refused(a) {
    if (a.status === 413) { C.show('oi-msg', 'error', t('oi_too_large', {max: maxMB()})); return true; }
    return C.failed('oi-msg', a);
  }
  function maxMB() { return Math.floor(Number(t('oi_max_bytes')) / 1048576); }
  // chosen returns the file to send, or null after saying what is missing.
  function chosen() {
    var file = $('oi-file').files[0];
    if (!$('oi-merchant').value) { C.show('oi-msg', 'error', t('oi_choose_merch')); $('oi-merchant').focus(); return null; }
    if (!file) { C.show('oi-msg', 'error', t('oi_choose_file')); $('oi-file').focus(); return null; }
    if (file.size > Number(t('oi_max_bytes'))) { C.show('oi-msg', 'error', t('oi_too_large', {max: maxMB()})); $('oi-file').focus(); return null; }
    return file;
  }

  function fill(tbody, list, make) {
    tbody.textContent = '';
    (list || []).forEach(function (x) { tbody.appendChild(make(x)); });
  }
  function problemRow(p) {
    return row([{text: p.row, cls: 'n'}, {text: p.order_no || ''}, {text: p.field}, {text: p.message}]);
  }
  function orderRow(o) {
    var state = el('span', 'tag oi-' + o.state, t('oi_st_' + o.state));
    var tr = row([{text: o.row, cls: 'n'}, {text: o.order_no}, {text: o.name}, {text: o.prefecture + o.city},
      {text: count(o.lines), cls: 'n'}, {text: count(o.units), cls: 'n'}, {text: o.carrier ? t(o.carrier) : t('oi_warehouse')},
      {text: o.cod_amount ? '¥' + count(o.cod_amount) : '', cls: 'n'}, {node: state}]);
    tr.dataset.order = o.order_no;
    tr.dataset.state = o.state;
    return tr;
  }
  // shown puts a preview on the page: the counts, every problem, the orders.
  function shown(d) {
    $('oi-result').hidden = false;
    $('oi-summary').textContent = t('oi_summary', {merchant: d.merchant.code + ' ' + d.merchant.name, orders: count(d.orders), lines: count(d.lines), rows: count(d.rows),
      fresh: count(d.new_orders), unchanged: count(d.unchanged), format: t('oi_' + d.format), encoding: d.encoding});
    $('oi-ignored').hidden = !d.ignored_columns.length;
    $('oi-ignored').textContent = t('oi_ignored', {cols: d.ignored_columns.join(', ')});
    fill($('oi-problems').querySelector('tbody'), d.problems, problemRow);
    $('oi-problems').hidden = !d.problems.length;
    $('oi-problem-count').textContent = count(d.problem_count);
    var more = d.problem_count - d.problems.length;
    $('oi-problems-more').hidden = more <= 0;
    $('oi-problems-more').textContent = t('oi_problems_more', {n: count(more)});
    fill($('oi-warnings').querySelector('tbody'), d.warnings, problemRow);
    $('oi-warnings').hidden = !d.warnings.length;
    fill($('oi-orders').querySelector('tbody'), d.sample, orderRow);
    fill($('oi-skipped').querySelector('tbody'), d.skipped, problemRow);
    $('oi-skipped').hidden = !d.skipped.length;
  }

  function preview(e) {
    e.preventDefault();
    if (busy) return;
    var file = chosen();
    if (!file) return;
    var asked = {file: file, merchant: $('oi-merchant').value, format: $('oi-format').value};
    previewed = null;
    $('oi-result').hidden = true;
    C.show('oi-msg', '', '');
    lock(true);
    send('/ops/order-imports/preview' + query(), file, t('oi_processing'), function (a) {
      finished();
      if (refused(a)) return;
      var d = a.data;
      shown(d);
      if (d.problem_count) {
        C.show('oi-msg', 'error', t('oi_has_problems', {n: count(d.problem_count)}));
        return;
      }
      previewed = asked;
      $('oi-import').disabled = false;
      C.show('oi-msg', 'ok', d.new_orders ? t('oi_ok', {fresh: count(d.new_orders)}) : t('oi_nothing_new'));
      $('oi-import').focus();
    });
  }

  function importFile() {
    if (busy || !previewed) return;
    lock(true);
    send('/ops/order-imports' + query(), previewed.file, t('oi_importing'), function (a) {
      finished();
      previewed = null;
      if (a.status === 422 && a.data.problems) {
        shown(a.data);
        C.show('oi-msg', 'error', t('oi_refused', {n: count(a.data.problem_count)}));
        return;
      }
      if (refused(a)) return;
      var d = a.data;
      C.show('oi-msg', 'ok', t('oi_done', {created: count(d.created), unchanged: count(d.unchanged), allocated: count(d.allocated), backordered: count(d.backordered)}));
      document.querySelectorAll('#oi-orders tr[data-state="new"]').forEach(function (tr) {
        tr.dataset.state = 'unchanged';
        var tag = tr.querySelector('.tag');
        tag.className = 'tag oi-unchanged';
        tag.textContent = t('oi_st_unchanged');
      });
    });
  }

  // Another file, merchant or layout than the one previewed must be
  // previewed before it can be imported.
  function changed() {
    previewed = null;
    $('oi-import').disabled = true;
  }

  function columns() {
    var tb = $('oi-columns').querySelector('tbody');
    if (tb.children.length) return;
    t('oi_columns_list').split('\n').forEach(function (line) {
      var c = line.split('\t');
      tb.appendChild(row([{text: c[0], cls: 'code'}, {text: c[1]}, {text: c[2]}, {text: c[3]}]));
    });
  }

  function load() {
    columns();
    C.api('GET', '/ops/merchants').then(function (a) {
      if (C.failed('oi-msg', a)) return;
      // No merchant is chosen for the supervisor: orders imported for the
      // wrong one would ship another shop's parcels.
      var sel = $('oi-merchant'), was = sel.value;
      sel.textContent = '';
      sel.appendChild(el('option', '', t('oi_pick_merchant'))).value = '';
      a.data.forEach(function (m) {
        var o = el('option', '', m.code + ' ' + m.name);
        o.value = m.id;
        sel.appendChild(o);
      });
      if (!a.data.length) { C.show('oi-msg', 'warn', t('no_merchants')); return; }
      if (was) sel.value = was;
    });
  }

  $('oi-form').addEventListener('submit', preview);
  $('oi-import').addEventListener('click', importFile);
  ['oi-merchant', 'oi-format', 'oi-file'].forEach(function (id) { $(id).addEventListener('change', changed); });
  C.register('orderimport', load);
})();
