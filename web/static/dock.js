/* soko dock (/hh/dock): the shipper opens a carrier's pickup (集荷), scans
 * each parcel's tracking barcode onto the truck, sees what is still
 * missing, and closes the pickup, with a supervisor's badge and PIN when
 * parcels are missing. Signed in through /hh (the same session cookie);
 * scans go through SokoScan, so none is lost when the network drops. */
(function () {
  'use strict';
  var O = SokoOps, say = O.say, t = O.t, el = O.el;
  var view = '', manifest = null, scanner;

  function $(id) { return document.getElementById(id); }
  function prompt(key) { $('prompt').textContent = t(key); }
  // refused handles answers every step treats alike; it reports whether a was one.
  function refused(a, late) {
    if (a.queued && a.status !== 401) { say('warn', a.message); return true; }
    if (a.status === 401) { signedOut(); return true; }
    if (!a.ok) { say('error', (late ? t('late') : '') + O.problem(a)); return true; }
    return false;
  }
  function go(name) {
    view = name;
    ['signin', 'choose', 'load', 'closed'].forEach(function (v) { $('v-' + v).hidden = v !== name; });
    $('confirm').hidden = true;
    if (name === 'choose') { prompt('choose_pickup'); listPickups(); }
    if (name === 'load') prompt('scan_parcel');
    if (scanner) scanner.focus(true);
  }
  function signedOut() {
    O.use(null);
    SokoScan.hold();
    go('signin');
    say('error', t('sign_in_first'));
  }
  // spaced prints a 12-digit tracking number 4-4-4, as the label does.
  function spaced(n) { return n.length === 12 ? n.replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3') : n; }
  function today() { return new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10); }

  // ---- choosing a pickup ----
  function listPickups() {
    O.api('GET', '/ops/manifests?status=open').then(function (a) {
      if (refused(a)) return;
      var ul = $('manifests');
      ul.textContent = '';
      a.data.forEach(function (m) {
        var b = el('button', 'item', m.carrier_name + ' ' + m.pickup_date + ' ' + (m.pickup_time || ''));
        b.type = 'button';
        b.appendChild(el('span', 'count', m.loaded + ' / ' + (m.loaded + m.missing)));
        b.onclick = function () { open(m.id); };
        var li = el('li');
        li.appendChild(b);
        ul.appendChild(li);
      });
      $('no-manifests').hidden = a.data.length > 0;
    });
  }
  function open(id) {
    O.api('GET', '/ops/manifests/' + id).then(function (a) {
      if (refused(a)) return;
      show(a.data);
      go('load');
    });
  }
  function openNew(e) {
    e.preventDefault();
    var body = {carrier: $('carrier').value, pickup_date: $('pickup-date').value};
    if ($('pickup-time').value) body.pickup_time = $('pickup-time').value;
    O.api('POST', '/ops/manifests', body).then(function (a) {
      if (refused(a)) return;
      show(a.data);
      go('load');
      say('ok', t('opened', {carrier: a.data.carrier_name}));
    });
  }

  // ---- loading ----
  function show(m) {
    manifest = m;
    $('ld-title').textContent = m.carrier_name + ' ' + m.pickup_date + ' ' + (m.pickup_time || '');
    $('ld-loaded').textContent = m.loaded;
    $('ld-expected').textContent = m.loaded + m.missing;
    $('ld-missing-n').textContent = t('n_parcels', {n: m.missing});
    var tb = $('ld-missing');
    tb.textContent = '';
    m.missing_parcels.forEach(function (p) {
      var tr = el('tr');
      tr.appendChild(el('td', '', spaced(p.tracking_number)));
      tr.appendChild(el('td', '', p.order_no + (p.parcels > 1 ? ' (' + p.parcel + '/' + p.parcels + ')' : '')));
      tr.appendChild(el('td', '', p.prefecture));
      tb.appendChild(tr);
    });
    var ul = $('ld-loaded-list');
    ul.textContent = '';
    m.loaded_parcels.slice(-30).reverse().forEach(function (p) {
      ul.appendChild(el('li', '', spaced(p.tracking_number) + '  ' + p.order_no + '  ' + p.prefecture));
    });
  }
  function onScan(code) {
    if (!$('confirm').hidden) {
      $('cf-badge').value = code;
      $('cf-pin').focus();
      return;
    }
    if (view !== 'load') { say('warn', t('choose_pickup')); return; }
    return SokoScan.send({url: '/ops/manifests/' + manifest.id + '/scan', body: {code: code}, meta: {manifest: manifest.id}})
      .then(function (a) { loaded(a, false); });
  }
  function loaded(a, late) {
    if (refused(a, late)) return;
    say('ok', a.data.message);
    if (manifest && a.data.manifest.id === manifest.id) show(a.data.manifest);
  }

  // ---- closing ----
  function close(body) {
    O.api('POST', '/ops/manifests/' + manifest.id + '/close', body).then(function (a) {
      if (a.status === 409 && O.fields(a).indexOf('supervisor') >= 0) {
        $('cf-why').textContent = O.problem(a);
        $('confirm').hidden = false;
        $('cf-badge').value = '';
        $('cf-pin').value = '';
        say('warn', O.problem(a));
        prompt('scan_supervisor');
        scanner.focus(true);
        return;
      }
      $('cf-pin').value = '';
      if (refused(a)) return;
      closed(a.data);
    });
  }
  function confirmed(e) {
    e.preventDefault();
    var badge = $('cf-badge').value.trim(), pin = $('cf-pin').value;
    if (!badge) { scanner.focus(true); return; }
    if (!pin) { $('cf-pin').focus(); return; }
    close({supervisor_badge: badge, supervisor_pin: pin});
  }
  function closed(r) {
    go('closed');
    say('ok', r.message);
    prompt('closed_prompt');
    $('cl-title').textContent = r.manifest.carrier_name + ' ' + r.manifest.pickup_date + ' ' + (r.manifest.pickup_time || '');
    $('cl-summary').textContent = t('closed_summary', {loaded: r.manifest.loaded, shipped: r.shipped.length, missing: r.manifest.missing});
    $('cl-pulled').hidden = r.pulled.length === 0;
    var ul = $('cl-pulled-list');
    ul.textContent = '';
    r.pulled.forEach(function (p) { ul.appendChild(el('li', '', spaced(p.tracking_number) + '  ' + p.order_no)); });
    $('cl-print').href = '/ops/manifests/' + r.manifest.id + '/handover.pdf';
  }

  function start() {
    scanner = SokoScan.attach({
      input: $('scan'),
      onScan: onScan,
      camera: $('cam'),
      pending: $('pending'),
      headers: O.scanHeaders,
      onLateAnswer: function (a) { loaded(a, true); },
      onCameraError: function (msg) { say('error', msg); }
    });
    $('pickup-date').value = today();
    $('open').onsubmit = openNew;
    $('close').onclick = function () {
      var warn = manifest.missing ? t('close_missing', {n: manifest.missing}) : t('close_confirm');
      O.twice($('close'), function () { say('warn', warn); }, function () { close({}); });
    };
    $('confirm').onsubmit = confirmed;
    $('cf-cancel').onclick = function () { $('confirm').hidden = true; prompt('scan_parcel'); scanner.focus(true); };
    $('cl-done').onclick = function () { go('choose'); };
    O.keyboard($('kbd'), $('scan'));
    O.offlineShell();
    O.api('GET', '/ops/session').then(function (a) {
      if (a.offline && O.remembered()) a = {ok: true, data: O.remembered(), offline: true};
      if (!a.ok) { go('signin'); return; }
      if (a.data.menus.indexOf('handover') < 0) {
        go('signin');
        say('error', t('not_shipper'));
        return;
      }
      O.use(a.data);
      $('who').textContent = a.data.name;
      SokoScan.resume();
      go('choose');
      if (a.offline) say('warn', t('offline_shell'));
    });
  }
  start();
})();
