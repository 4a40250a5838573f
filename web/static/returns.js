/* soko returns desk (/hh/returns): the desk scans a returned parcel's
 * tracking number or its order's barcode, then each unit, choosing its
 * grade (良品/不良/開封済/誤配) and where it goes (back to a shelf,
 * quarantine, disposal, or set aside), and finishes the receiving, which
 * tells the merchant. Signed in through /hh (the same session cookie);
 * units go through SokoScan, so none is lost when the network drops. */
(function () {
  'use strict';
  var O = SokoOps, say = O.say, t = O.t, el = O.el;
  var view = '', ret = null, grade = 'sellable', wantLocation = false, scanner;

  function $(id) { return document.getElementById(id); }
  function prompt(key) { $('prompt').textContent = t(key); }
  function refused(a, late) {
    if (a.queued && a.status !== 401) { say('warn', a.message); return true; }
    if (a.status === 401) { signedOut(); return true; }
    if (!a.ok) { say('error', (late ? t('late') : '') + O.problem(a)); return true; }
    return false;
  }
  function go(name) {
    view = name;
    ['signin', 'parcel', 'receive', 'done'].forEach(function (v) { $('v-' + v).hidden = v !== name; });
    if (name === 'parcel') prompt('scan_parcel');
    if (name === 'receive') prompt('scan_unit');
    if (scanner) scanner.focus(true);
  }
  function signedOut() {
    O.use(null);
    SokoScan.hold();
    go('signin');
    say('error', t('sign_in_first'));
  }

  // ---- the parcel ----
  function identify(code) {
    return O.api('POST', '/ops/return-parcels', {code: code}).then(function (a) {
      if (refused(a)) return;
      show(a.data.return);
      go('receive');
      say(a.data.return.announced ? 'ok' : 'warn', a.data.message);
    });
  }
  function show(r) {
    ret = r;
    $('rt-title').textContent = r.return_no + (r.announced ? '' : '（' + t('unannounced') + '）');
    $('rt-facts').textContent = t('order') + ' ' + r.order_no + ' ・ ' + (r.merchant_name || '') + ' ・ ' + t('reason') + ' ' +
      (r.reason_label || r.reason) + ' ・ ' + t('d_' + r.disposition);
    var tb = $('rt-lines');
    tb.textContent = '';
    r.lines.forEach(function (l) {
      var tr = el('tr');
      tr.appendChild(el('td', '', l.name + ' (' + l.sku + ')'));
      tr.appendChild(el('td', 'n', String(l.quantity)));
      tr.appendChild(el('td', 'n', String(l.received)));
      tr.appendChild(el('td', 'n', l.grades.sellable + '/' + l.grades.damaged + '/' + l.grades.opened));
      tb.appendChild(tr);
    });
    $('rt-wrong').textContent = r.not_ours ? t('not_ours', {n: r.not_ours}) : '';
  }

  // ---- grading ----
  var defaults = {sellable: 'stock', damaged: 'quarantine', opened: 'quarantine', wrong: 'none'};
  function choose(g) {
    grade = g;
    Array.prototype.forEach.call($('rt-grades').children, function (b) {
      var on = b.dataset.grade === g;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.className = on ? 'primary' : '';
    });
    $('rt-dest').value = defaults[g];
    scanner.focus(true);
  }
  function needsLocation() { var d = $('rt-dest').value; return d === 'stock' || d === 'quarantine'; }
  function unit(code) {
    if (wantLocation) {
      wantLocation = false;
      $('rt-loc').value = code;
      prompt('scan_unit');
      say('ok', t('loc_set', {loc: code}));
      return;
    }
    if (needsLocation() && !$('rt-loc').value.trim()) {
      say('warn', t('need_location'));
      return;
    }
    var body = {code: code, grade: grade, destination: $('rt-dest').value};
    if (needsLocation()) body.location = $('rt-loc').value.trim();
    return SokoScan.send({url: '/ops/returns/' + ret.id + '/units', body: body, meta: {ret: ret.id}})
      .then(function (a) { received(a, false); });
  }
  function received(a, late) {
    if (refused(a, late)) return;
    say('ok', a.data.message);
    if (ret && a.data.return.id === ret.id) show(a.data.return);
  }
  function finish() {
    O.api('POST', '/ops/returns/' + ret.id + '/finish').then(function (a) {
      if (refused(a)) return;
      show(a.data.return);
      go('done');
      say('ok', a.data.message);
      $('dn-title').textContent = a.data.return.return_no;
      $('dn-summary').textContent = a.data.message;
      $('dn-print').href = '/ops/returns/' + a.data.return.id + '/slip.pdf';
    });
  }

  function onScan(code) {
    if (view === 'parcel') return identify(code);
    if (view === 'receive') return unit(code);
    if (view === 'done') { go('parcel'); return identify(code); }
  }
  function start() {
    scanner = SokoScan.attach({
      input: $('scan'),
      onScan: onScan,
      camera: $('cam'),
      pending: $('pending'),
      headers: O.scanHeaders,
      onLateAnswer: function (a) { received(a, true); },
      onCameraError: function (msg) { say('error', msg); }
    });
    Array.prototype.forEach.call($('rt-grades').children, function (b) { b.onclick = function () { choose(b.dataset.grade); }; });
    $('rt-dest').onchange = function () { scanner.focus(true); };
    $('rt-scan-loc').onclick = function () { wantLocation = true; prompt('scan_loc_now'); scanner.focus(true); };
    $('rt-finish').onclick = function () {
      O.twice($('rt-finish'), function () { say('warn', t('finish_confirm')); }, finish);
    };
    $('dn-next').onclick = function () { go('parcel'); };
    O.keyboard($('kbd'), $('scan'));
    O.offlineShell();
    O.api('GET', '/ops/session').then(function (a) {
      if (a.offline && O.remembered()) a = {ok: true, data: O.remembered(), offline: true};
      if (!a.ok) { go('signin'); return; }
      if (a.data.menus.indexOf('returns') < 0) {
        go('signin');
        say('error', t('not_returns'));
        return;
      }
      O.use(a.data);
      $('who').textContent = a.data.name;
      SokoScan.resume();
      go('parcel');
      if (a.offline) say('warn', t('offline_shell'));
    });
  }
  start();
})();
