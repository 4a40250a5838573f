/* soko packing station (/station): sign-in by badge and PIN, then an
 * order's inspection (検品) unit by unit, its packing (梱包) into the
 * recommended or chosen boxes with a weight check, and its packing slip, as
 * a thin client of the /ops API. Unit scans go through SokoScan (scan.js),
 * so none is lost when the network drops; the page's words come from the
 * server in #words. */
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }
  var O = SokoOps, say = O.say, t = O.t, el = O.el, api = O.api, problem = O.problem, lang = O.lang;
  var PRINTABLE = ['packed', 'labeled', 'shipped'];
  var MAX_GRAMS = 100000;
  var session = null, order = null, active = null, scanner, badgeScanned;
  var boxes = null, boxList = [], rows = [], chain = Promise.resolve();

  function firstError(a) { return ((a.data && a.data.errors) || [])[0] || {}; }

  function prompt(key) { $('prompt').textContent = t(key); }
  // failed handles answers every step treats alike; it reports whether a was one.
  function failed(a, late) {
    if (a.queued && a.status !== 401) { say('warn', a.message); return true; }
    if (a.status === 401) { signedOut(t('expired')); return true; }
    if (!a.ok) { say('error', (late ? t('late') : '') + problem(a)); return true; }
    return false;
  }
  function twice(btn, warning, act) { O.twice(btn, function () { say('warn', warning); }, act); }

  // ---- sign-in ----
  function signedIn(s) {
    session = s;
    O.use(s);
    $('who').textContent = s.name;
    $('v-login').hidden = true;
    $('v-station').hidden = false;
    $('signout').hidden = false;
    $('idle').textContent = t(s.menus.indexOf('pack') >= 0 ? 'idle' : 'no_pack');
    SokoScan.resume();
    loadBoxes();
    showOrder(null);
  }
  function signedOut(msg) {
    session = null;
    O.use(null);
    SokoScan.hold();
    showOrder(null);
    $('who').textContent = '';
    $('badge').value = '';
    $('pin').value = '';
    $('v-login').hidden = false;
    $('v-station').hidden = true;
    $('signout').hidden = true;
    prompt('scan_badge');
    scanner.focus(true);
    if (msg) say('error', msg);
  }
  function signOut() {
    SokoScan.pending().then(function (n) {
      var out = function () { api('DELETE', '/ops/session').then(function () { signedOut(); say('ok', t('signed_out')); }); };
      if (n) twice($('signout'), t('signout_unsent', {n: n}), out);
      else out();
    });
  }
  function mayReset() { return !!session && session.menus.indexOf('console') >= 0; }

  function loadBoxes() {
    if (!boxes) {
      boxes = api('GET', '/ops/box-types').then(function (a) {
        if (!a.ok) { boxes = null; return []; }
        boxList = a.data;
        return boxList;
      });
    }
    return boxes;
  }
  function boxByCode(code) {
    for (var i = 0; i < boxList.length; i++) if (boxList[i].code === code) return boxList[i];
    return null;
  }

  // ---- scans ----
  // Scans take turns, so items scanned right after their order's barcode
  // reach the order once it is open.
  function onScan(code) {
    if (!session) { badgeScanned(code); return; }
    chain = chain.then(function () { return stationScan(code); }).catch(function (e) { console.error(e); });
  }
  // barcodeLike tells item barcodes (digits, GS1 "(01)…", a "]C1" symbology
  // prefix) from order numbers and tote labels, to know which to try first.
  function barcodeLike(code) { return /^[\d(\]]/.test(code); }
  function lookup(code) { return api('GET', '/ops/station/orders/' + encodeURIComponent(code)); }

  function stationScan(code) {
    var o = order;
    if (o && o.status === 'picked') {
      if (code === o.order_no) { say('warn', t('already_open', {no: o.order_no})); return; }
      if (barcodeLike(code)) return inspect(code);
      return lookup(code).then(function (a) {
        if (a.status === 404) return inspect(code);
        if (!failed(a)) opened(a.data);
      });
    }
    var box = o && o.status === 'inspected' && boxByCode(code);
    if (box) { boxScanned(box); return; }
    return lookup(code).then(function (a) {
      if (a.status === 404 && o && o === order && o.status === 'inspected' && barcodeLike(code)) { say('warn', t('inspected_scan')); return; }
      if (!failed(a)) opened(a.data);
    });
  }
  function opened(o) {
    showOrder(o);
    if (o.status === 'picked' || o.status === 'inspected' || PRINTABLE.indexOf(o.status) >= 0) say('ok', t('opened', {no: o.order_no}));
    else say('warn', t('not_ready', {no: o.order_no, status: t('status_' + o.status)}));
  }

  // ---- inspection (検品) ----
  function inspect(code) {
    var m = {order: order.id, code: code};
    return SokoScan.send({url: '/ops/station/orders/' + order.id + '/scan', body: {scan_id: SokoScan.scanId(), code: code}, meta: m})
      .then(function (a) { return inspectAnswer(a, m); });
  }
  // inspectAnswer shows what a unit scan did; late answers come from the outbox.
  function inspectAnswer(a, m, late) {
    var e = firstError(a);
    // A numeric order number scanned mid-inspection reads as a wrong item: open that order instead.
    if (!late && a.status === 422 && e.message === 'wrong_item') {
      return lookup(m.code).then(function (b) {
        if (b.ok) opened(b.data);
        else refused(a, e);
      });
    }
    if (!a.ok || a.queued) {
      refused(a, e, late);
      return;
    }
    var d = a.data;
    if (order && order.id === d.order.id) showOrder(d.order, ticked(order, d.order));
    say('ok', (late ? t('late') : '') + d.message);
  }
  function refused(a, e, late) {
    if (failed(a, late) && order && e.field === 'code') $('order').dataset.refused = e.message;
  }
  // ticked names the line a scan counted on.
  function ticked(before, after) {
    for (var i = 0; i < after.lines.length; i++) {
      var b = before.lines[i];
      if (b && b.sku === after.lines[i].sku && after.lines[i].inspected > b.inspected) return after.lines[i].sku;
    }
    return active;
  }

  function showOrder(o, sku) {
    var same = order && o && order.id === o.id;
    order = o;
    if (!same) {
      rows = [];
      active = null;
      $('slip-link').hidden = true;
      $('label-link').hidden = true;
    }
    $('idle').hidden = !!o;
    $('order').hidden = !o;
    if (!o) {
      prompt('scan_order');
      scanner.focus(true);
      return;
    }
    delete $('order').dataset.refused;
    $('order-no').textContent = o.order_no;
    $('order-meta').textContent = [o.merchant_name || o.merchant_code, o.carrier_label || o.carrier].filter(Boolean).join(' · ');
    $('gift').hidden = !o.gift;
    $('status').textContent = t('status_' + o.status);
    $('reset').hidden = !(mayReset() && (o.status === 'picked' || o.status === 'inspected'));
    renderLines(o, sku);
    renderChecks(o, same);
    var inspected = o.status === 'inspected', printable = PRINTABLE.indexOf(o.status) >= 0;
    $('done').hidden = !inspected;
    $('pack').hidden = !inspected;
    $('packed').hidden = !printable;
    if (!inspected) rows = [];
    if (inspected) {
      prompt('weigh');
      if (!rows.length) renderPack(o);
      return;
    }
    prompt(o.status === 'picked' ? 'scan_items' : printable ? 'next_order' : 'scan_order');
    scanner.focus(true);
  }
  function renderLines(o, sku) {
    var body = $('lines').tBodies[0], got = 0, want = 0;
    if (sku) active = sku;
    if (o.status === 'picked' && !active) {
      o.lines.forEach(function (l) { if (!active && l.inspected < l.quantity) active = l.sku; });
    }
    body.textContent = '';
    o.lines.forEach(function (l) {
      var tr = el('tr'), name = el('td');
      tr.dataset.sku = l.sku;
      name.append(el('span', 'name', l.name), el('small', '', l.sku));
      if (l.set) name.append(el('small', 'set', t('set_of', {set: l.set})));
      tr.append(name, el('td', 'n got', l.inspected), el('td', 'n want', l.quantity));
      if (l.inspected >= l.quantity) tr.classList.add('done');
      if (l.sku === active && o.status === 'picked') tr.classList.add('active');
      got += l.inspected;
      want += l.quantity;
      body.appendChild(tr);
    });
    $('progress').textContent = t('progress', {got: got, want: want});
  }

  // ---- the gift and insert checklist (ギフト・同梱物) ----
  // renderChecks lists what the packer must do besides the goods: wrap,
  // のし, card, no prices, inserts. The boxes are ticked at packing and
  // keep their ticks while the same order stays open.
  function renderChecks(o, same) {
    var list = $('check-list'), ticked = {}, items = o.checklist || [];
    if (same) {
      Array.prototype.forEach.call(list.querySelectorAll('input:checked'), function (b) { ticked[b.value] = true; });
    }
    list.textContent = '';
    $('checks').hidden = !items.length;
    var done = PRINTABLE.indexOf(o.status) >= 0;
    items.forEach(function (c) {
      var li = el('li'), label = el('label'), box = el('input');
      box.type = 'checkbox';
      box.value = c.key;
      box.checked = done || !!ticked[c.key];
      box.disabled = o.status !== 'inspected';
      box.onchange = function () { li.classList.remove('missing'); };
      label.append(box, el('span', 'what', c.label));
      if (c.detail && c.label.indexOf(c.detail) < 0) label.append(el('small', '', c.detail));
      li.dataset.key = c.key;
      li.appendChild(label);
      list.appendChild(li);
    });
  }
  function checkBoxes() { return Array.prototype.slice.call($('check-list').querySelectorAll('input')); }
  // unticked marks the items not yet confirmed (all unticked ones, or the
  // keys the server named) and returns their labels.
  function unticked(keys) {
    var out = [];
    checkBoxes().forEach(function (b) {
      var li = b.parentNode.parentNode, miss = keys ? keys.indexOf(b.value) >= 0 : !b.checked;
      if (keys && miss) b.checked = false;
      li.classList.toggle('missing', miss);
      if (miss) out.push(li.querySelector('.what').textContent);
    });
    return out;
  }

  // ---- packing (梱包) ----
  function renderPack(o) {
    hideWarning();
    $('parcels').tBodies[0].textContent = '';
    rows = [];
    return loadBoxes().then(function () {
      if (!order || order.id !== o.id || order.status !== 'inspected' || rows.length) return;
      (o.recommended.length ? o.recommended : [null]).forEach(addParcel);
      if (!o.recommended.length) $('weight-msg').textContent = t('no_box');
      rows[0].weight.focus();
    });
  }
  function tare(code) {
    var b = boxByCode(code);
    return b ? b.tare_grams : 0;
  }
  // addParcel adds one parcel's row: the suggested box, or the box of the
  // parcel before it, and what the parcel should weigh when that is known.
  function addParcel(rec) {
    var tr = el('tr'), sel = el('select', 'box'), weight = el('input', 'weight'), boxCell = el('td'), wCell = el('td'), rm = el('button', 'small remove', '✕');
    var row = {tr: tr, box: sel, weight: weight, expected: el('td', 'n expected'), rec: rec};
    var code = rec ? rec.box : rows.length ? rows[rows.length - 1].box.value : boxList.length ? boxList[0].code : '';
    var list = boxList.slice();
    if (rec && !boxByCode(rec.box)) list.push({code: rec.box, name: rec.box_name || rec.box});
    list.forEach(function (b) {
      var opt = el('option', '', b.name + ' (' + b.code + ')');
      opt.value = b.code;
      sel.appendChild(opt);
    });
    sel.value = code;
    boxCell.appendChild(sel);
    if (rec) boxCell.appendChild(el('small', 'rec', t('recommended') + '：' + (rec.box_name || rec.box)));
    weight.type = 'text';
    weight.inputMode = 'numeric';
    weight.autocomplete = 'off';
    weight.setAttribute('aria-label', t('weight'));
    wCell.append(weight);
    rm.type = 'button';
    rm.setAttribute('aria-label', t('remove'));
    tr.append(el('td', 'n seq'), boxCell, row.expected, wCell, el('td'));
    tr.lastChild.appendChild(rm);
    sel.onchange = function () { showExpected(row); hideWarning(); };
    weight.onfocus = function () { weight.select(); focusRow(row); };
    weight.oninput = hideWarning;
    weight.onkeydown = function (e) {
      if (e.key === 'Enter') { e.preventDefault(); weightEntered(row); }
    };
    rm.onclick = function () {
      if (rows.length < 2) return;
      rows.splice(rows.indexOf(row), 1);
      tr.remove();
      numberRows();
      hideWarning();
    };
    rows.push(row);
    $('parcels').tBodies[0].appendChild(tr);
    showExpected(row);
    numberRows();
  }
  function numberRows() {
    rows.forEach(function (r, i) {
      r.tr.querySelector('.seq').textContent = i + 1;
      r.tr.querySelector('.remove').hidden = rows.length < 2;
    });
  }
  function showExpected(row) {
    var r = row.rec;
    row.expected.textContent = r ? t('grams', {n: r.weight_grams - tare(r.box) + tare(row.box.value)}) : '—';
  }
  function focusRow(row) {
    rows.forEach(function (r) { r.tr.classList.toggle('focus', r === row); });
  }
  // boxScanned puts a scanned carton's code into the parcel being weighed.
  function boxScanned(b) {
    var row = rows.filter(function (r) { return r.tr.classList.contains('focus'); })[0] || rows[0];
    if (!row) return;
    row.box.value = b.code;
    showExpected(row);
    hideWarning();
    say('ok', t('box_set', {n: rows.indexOf(row) + 1, box: b.name}));
    row.weight.focus();
  }
  // grams reads a weight as typed or as a USB scale sends it: grams, or
  // kilograms with a decimal point from a scale set to kg. Anything else
  // (13 digits, letters) is not a weight but a scan that landed here.
  function grams(v) {
    v = v.trim();
    var n = /^\d{1,6}$/.test(v) ? parseInt(v, 10) : /^\d{1,3}[.,]\d{1,3}$/.test(v) ? Math.round(parseFloat(v.replace(',', '.')) * 1000) : NaN;
    return n >= 1 && n <= MAX_GRAMS ? n : n === 0 ? 0 : NaN;
  }
  function weightEntered(row) {
    var v = row.weight.value.trim();
    if (v && isNaN(grams(v))) {
      row.weight.value = '';
      onScan(v);
      return;
    }
    if (!grams(v)) { say('error', t('enter_weight', {n: rows.indexOf(row) + 1})); return; }
    var next = rows.filter(function (r) { return !grams(r.weight.value); })[0];
    if (next) next.weight.focus();
    else pack(false);
  }
  function hideWarning() {
    $('weight-warning').hidden = true;
    $('weight-msg').textContent = '';
  }
  function pack(confirm) {
    var o = order, parcels = [];
    if (!o || o.status !== 'inspected') return;
    for (var i = 0; i < rows.length; i++) {
      var g = grams(rows[i].weight.value);
      if (!rows[i].box.value) { say('error', t('choose_box', {n: i + 1})); rows[i].box.focus(); return; }
      if (!g) { say('error', t('enter_weight', {n: i + 1})); rows[i].weight.focus(); return; }
      parcels.push({box: rows[i].box.value, weight_grams: g});
    }
    var missing = unticked(null);
    if (missing.length) {
      say('error', t('check_all', {items: missing.join(lang === 'en' ? '; ' : '、')}));
      checkBoxes().filter(function (b) { return !b.checked; })[0].focus();
      return;
    }
    var body = {parcels: parcels, confirmed: checkBoxes().map(function (b) { return b.value; })}, btn = $('pack-confirm');
    if (confirm) body.confirm_weight = true;
    btn.disabled = $('confirm-weight').disabled = true;
    api('POST', '/ops/station/orders/' + o.id + '/pack', body).then(function (a) {
      btn.disabled = $('confirm-weight').disabled = false;
      if (a.status === 409 && firstError(a).field === 'weight_grams') {
        // A scale reading far from what the box should weigh: a wrong or missing item?
        $('weight-msg').textContent = problem(a);
        $('weight-warning').hidden = false;
        say('warn', problem(a));
        return;
      }
      if (a.status === 409 && firstError(a).field === 'confirmed') {
        // Unticked items, or a checklist that changed meanwhile (an
        // insert's rule, a gift option): show it again, the items marked.
        var keys = ((a.data && a.data.errors) || []).map(function (e) { return e.message; });
        say('error', problem(a));
        lookup(o.order_no).then(function (b) {
          if (b.ok && order && order.id === b.data.id) showOrder(b.data);
          unticked(keys);
        });
        return;
      }
      if (failed(a)) return;
      hideWarning();
      if (order && order.id === a.data.id) showOrder(a.data);
      say('ok', t('packed', {no: a.data.order_no, n: parcels.length}));
    });
  }

  // ---- the packing slip (納品書) and shipping labels (送り状) ----
  // printSlip labels a packed order first (tracking numbers are issued,
  // the order becomes labeled), then prints the slip and the labels as two
  // jobs — A4/A5 sheets and 4×6 in labels go to different printers or
  // trays, and one PDF would put one of them on the wrong paper. Each PDF is
  // fetched first, so a failure shows here rather than in an empty tab, and
  // opened in the browser's PDF viewer to print. Labeling without a number
  // range still prints the slip.
  function printSlip() {
    var o = order, btn = $('print');
    if (!o) return;
    btn.disabled = true;
    var labeled = o.status === 'packed' ? api('POST', '/ops/station/orders/' + o.id + '/label') : Promise.resolve(null);
    labeled.then(function (l) {
      if (l && l.status === 401) { btn.disabled = false; signedOut(t('expired')); return; }
      if (l && l.ok && order && order.id === l.data.order.id) showOrder(l.data.order);
      var both = !l || l.ok;
      if (l && !l.ok) say('warn', t('label_failed') + problem(l));
      var jobs = [{path: '/slip.pdf?size=' + $('slip-size').value, link: 'slip-link'}];
      if (both) jobs.push({path: '/documents.pdf?papers=labels', link: 'label-link'});
      // The page reports the worst of the jobs: blocked, opened in a tab, printed.
      var rank = {'': 0, opened: 1, printed: 2}, worst = 'printed';
      var next = function (i) {
        if (i === jobs.length) {
          btn.disabled = false;
          if (both) say(worst ? 'ok' : 'warn', t(worst === 'printed' ? 'slip_printing' : worst ? 'slip_opened' : 'slip_blocked'));
          return;
        }
        printJob(o, jobs[i], function (how) {
          if (how === 'failed') { btn.disabled = false; return; }
          if (rank[how] < rank[worst]) worst = how;
          next(i + 1);
        });
      };
      next(0);
    });
  }

  // printJob fetches one PDF of the order and prints it, then calls done with
  // 'printed', 'opened' (in a tab), '' (blocked) or 'failed'.
  function printJob(o, job, done) {
    fetch('/ops/station/orders/' + o.id + job.path, {credentials: 'same-origin', headers: {Accept: 'application/pdf', 'Accept-Language': lang}})
      .then(function (r) {
        if (r.ok) return r.blob().then(function (b) { return {ok: true, blob: b}; });
        return r.text().then(function (text) {
          var data = {};
          try { data = JSON.parse(text); } catch (e) { /* keep the status */ }
          return {ok: false, status: r.status, data: data};
        });
      }, function () { return {ok: false, status: 0, data: {detail: t('offline')}}; })
      .then(function (a) {
        if (a.status === 401) { signedOut(t('expired')); done('failed'); return; }
        if (!a.ok) { say('error', t('print_failed') + problem(a)); done('failed'); return; }
        var url = URL.createObjectURL(new Blob([a.blob], {type: 'application/pdf'}));
        var link = $(job.link);
        if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
        link.dataset.url = url;
        link.href = url;
        printInFrame(url, function (printed) {
          // Where the browser cannot print a frame, the PDF opens in a tab.
          var w = printed || window.open(url, '_blank');
          link.hidden = !!w;
          done(printed ? 'printed' : w ? 'opened' : '');
        });
      });
  }

  // printInFrame loads the PDF into a hidden frame and opens the browser's
  // print dialog on it: one press from packing to printer.
  function printInFrame(url, done) {
    var old = $('print-frame');
    if (old) old.parentNode.removeChild(old);
    var f = document.createElement('iframe');
    f.id = 'print-frame';
    f.className = 'print-frame';
    f.onload = function () {
      try { f.contentWindow.focus(); f.contentWindow.print(); done(true); } catch (e) { done(false); }
    };
    f.src = url;
    document.body.appendChild(f);
  }

  // ---- supervisor: start an inspection over ----
  function reset() {
    var o = order;
    if (!o) return;
    twice($('reset'), t('reset_confirm', {no: o.order_no}), function () {
      api('POST', '/ops/station/orders/' + o.id + '/reset').then(function (a) {
        if (failed(a)) return;
        if (order && order.id === a.data.id) {
          active = null;
          showOrder(a.data);
        }
        say('ok', t('reset_done', {no: o.order_no}));
      });
    });
  }

  // ---- wiring ----
  function start() {
    badgeScanned = O.signInForm({device: O.device('ST-', 'soko.station'), prompt: prompt, signedIn: signedIn,
      focusScan: function () { scanner.focus(true); }});
    scanner = SokoScan.attach({
      input: $('scan'),
      onScan: onScan,
      pending: $('pending'),
      headers: O.scanHeaders,
      onLateAnswer: function (a, body, meta) { inspectAnswer(a, meta || {}, true); }
    });
    $('signout').onclick = signOut;
    $('pack').onsubmit = function (e) { e.preventDefault(); pack(false); };
    $('confirm-weight').onclick = function () { pack(true); };
    $('add-parcel').onclick = function () {
      addParcel(null);
      hideWarning();
      rows[rows.length - 1].weight.focus();
    };
    $('print').onclick = printSlip;
    $('reset').onclick = reset;
    var size = $('slip-size');
    try { size.value = localStorage.getItem('soko.slip') || 'a4'; } catch (e) { /* storage off: A4 */ }
    size.onchange = function () {
      try { localStorage.setItem('soko.slip', size.value); } catch (e) { /* storage off: this visit only */ }
      scanner.focus(true);
    };
    api('GET', '/ops/session').then(function (a) {
      if (a.ok) signedIn(a.data);
      else signedOut();
    });
  }
  start();
})();
