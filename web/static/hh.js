/* soko handheld (/hh): sign-in by badge and PIN, picking, receiving,
 * put-away and counts, as a thin client of the /ops API. Scans come
 * through SokoScan (scan.js); the page's words come from the server in
 * #words. */
(function () {
  'use strict';
  var O = SokoOps, say = O.say, t = O.t, el = O.el, api = O.api, problem = O.problem, lang = O.lang;
  var session = null, view = 'login', scanner, badgeScanned;
  var rc = {}, pa = {}, ct = {}, pk = {chain: Promise.resolve(), ahead: [], told: []};

  function $(id) { return document.getElementById(id); }
  function num(input, min) {
    var n = parseInt(input.value, 10);
    return n >= min ? n : null;
  }

  function prompt(key) { $('prompt').textContent = t(key); }
  // failed handles answers every view treats alike; it reports whether a
  // was one. reword, when given, turns a refusal into what to do about it.
  function failed(a, late, reword) {
    if (a.queued && a.status !== 401) { say('warn', a.message); return true; }
    if (a.status === 401) { signedOut(t('expired')); return true; }
    if (!a.ok) { say('error', (late ? t('late') : '') + (reword ? reword(problem(a)) : problem(a))); return true; }
    return false;
  }

  function twice(btn, warning, act) { O.twice(btn, function () { say('warn', warning); }, act); }

  function go(name) {
    view = name;
    document.body.dataset.view = name;
    ['login', 'menu', 'pick', 'receive', 'putaway', 'count', 'kit'].forEach(function (v) { $('v-' + v).hidden = v !== name; });
    $('back').hidden = name === 'login' || name === 'menu';
    $('signout').hidden = name === 'login';
    $('title').textContent = t('view_' + name);
    if (name === 'login') prompt('scan_badge');
    if (name === 'menu') prompt('choose_menu');
    if (name === 'pick') startPick();
    if (name === 'receive') startReceive();
    if (name === 'putaway') startPutAway();
    if (name === 'count') startCount();
    if (name === 'kit') startKit();
    if (scanner) scanner.focus(true);
  }

  function onScan(code) {
    if (view === 'login') return badgeScanned(code);
    if (view === 'pick') return pickStep(function () { return pickScan(code); });
    if (view === 'receive') return receiveScan(code);
    if (view === 'putaway') return putAwayScan(code);
    if (view === 'count') return countScan(code);
    if (view === 'kit' && window.SokoKit) return SokoKit.scan(code);
    say('warn', t('choose_menu'));
  }

  // ---- sign-in ----
  function signedIn(s) {
    session = s;
    O.use(s);
    $('who').textContent = s.name;
    var shown = 0;
    ['pick', 'receive', 'putaway', 'count', 'handover', 'returns'].forEach(function (m) {
      var on = s.menus.indexOf(m) >= 0;
      $('m-' + m).hidden = !on;
      if (on) shown++;
    });
    $('m-kit').hidden = $('m-putaway').hidden;
    $('no-menus').hidden = shown > 0;
    SokoScan.resume();
    go('menu');
  }
  function signedOut(msg) {
    session = null;
    O.use(null);
    SokoScan.hold();
    $('who').textContent = '';
    $('badge').value = '';
    go('login');
    if (msg) say('error', msg);
  }
  function signOut() {
    SokoScan.pending().then(function (n) {
      var out = function () { api('DELETE', '/ops/session').then(function () { signedOut(); say('ok', t('signed_out')); }); };
      if (n) twice($('signout'), t('signout_pending', {n: n}), out);
      else out();
    });
  }

  // ---- picking (ピッキング): task by task, the location, then the item ----
  // Task loads, scans and short reports take turns on pk.chain, so a scan
  // made while the next task loads goes to that task. pk.task is the task
  // on screen and pk.ahead the picker's tasks after it, with their
  // barcodes, as the server last sent them: while scans wait in the outbox
  // the counts move here, tasks finish here and the next one comes from
  // pk.ahead, and all of it is kept for this tab, so a reload without the
  // network carries on where it was. pk.told lists the scans refused here
  // after they had gone to the outbox: the server refuses them too, and the
  // picker has been told already.
  var PICK_KEY = 'soko.pick';
  function savePick() {
    try { sessionStorage.setItem(PICK_KEY, JSON.stringify({task: pk.task, ahead: pk.ahead, told: pk.told})); } catch (e) { /* kept in memory only */ }
  }
  function restorePick() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(PICK_KEY));
      if (saved) { pk.ahead = saved.ahead || []; pk.told = saved.told || []; return saved.task; }
    } catch (e) { /* nothing kept */ }
    return null;
  }
  function pickStep(f) { pk.chain = pk.chain.then(f).catch(function (e) { console.error(e); }); }
  function startPick() {
    pk.task = null;
    ['pk-put', 'pk-task', 'pk-end'].forEach(function (id) { $(id).hidden = true; });
    prompt('loading');
    pickStep(loadTask);
  }
  function loadTask() {
    pk.task = null;
    return api('GET', '/ops/picks/next').then(function (a) {
      if (view !== 'pick') return;
      if (a.offline) {
        var k = restorePick();
        if (k) showTask(k);
        else { $('pk-task').hidden = true; prompt('pk_off_wait'); }
        say('warn', t('pk_off_wait'));
        return;
      }
      if (a.status === 404) { pk.ahead = []; showTask(null); savePick(); return; }
      if (failed(a)) return;
      pk.ahead = a.data.ahead || [];
      delete a.data.ahead;
      showTask(a.data);
      savePick();
    });
  }
  function showTask(k) {
    pk.task = k;
    $('pk-shortform').hidden = true;
    $('pk-task').hidden = !k;
    $('pk-end').hidden = !!k;
    if (!k) { prompt('pk_end'); return; }
    $('pk-n').value = 1;
    renderTask();
  }
  function renderTask() {
    var k = pk.task, box = $('pk-task');
    delete box.dataset.refused;
    box.classList.toggle('here', k.location_confirmed);
    $('pk-loc').textContent = k.location;
    $('pk-qty').textContent = k.picked + '/' + k.quantity;
    $('pk-tote').textContent = t('pk_tote', {tote: k.tote});
    $('pk-name').textContent = k.name;
    $('pk-sku').textContent = k.sku + (k.lot ? ' · ' + t('lot') + ' ' + k.lot : '');
    $('pk-progress').textContent = t('pk_progress', {wave: k.wave_no, order: k.order_no, left: k.left});
    $('pk-n').max = k.remaining;
    prompt(k.location_confirmed ? 'pk_item' : 'pk_location');
  }
  // unitsOf is how many units a scan of code counts for task k, or null
  // when code is none of the item's barcodes that the task came with.
  function unitsOf(k, code) {
    var found = null;
    (k.codes || []).forEach(function (c) { if (c.code === code || c.code === '0' + code) found = c.units; });
    return found;
  }
  // refusedHere is why a scan cannot count for task k, judged on the
  // device while the server cannot be asked; "" when it counts.
  function refusedHere(k, m) {
    if (!m.item) return '';
    if (!k.location_confirmed) return t(m.units == null ? 'pk_off_wrong_loc' : 'pk_off_first', {loc: k.location});
    if (m.units == null) return t('pk_off_wrong', {name: k.name});
    if (k.picked + m.units > k.quantity) return t('pk_put_back_now', {why: t('pk_off_over', {name: k.name, left: k.quantity - k.picked}), name: k.name, n: m.units, loc: k.location});
    return '';
  }
  function pickScan(code) {
    return (pk.task ? Promise.resolve() : loadTask()).then(function () {
      var k = pk.task;
      if (!k) {
        if (!$('pk-end').hidden) say('warn', t('pk_end'));
        return;
      }
      // The quantity field counts for the next item scan only.
      var body = {scan_id: SokoScan.scanId(), code: code}, n = num($('pk-n'), 2);
      var m = {view: 'pick', task: k.id, item: code.toUpperCase() !== k.location, name: k.name, tote: k.tote, loc: k.location};
      if (m.item && n) {
        body.quantity = n;
        $('pk-n').value = 1;
      }
      if (m.item) {
        var u = unitsOf(k, code);
        m.units = u == null ? null : u * (n || 1);
      }
      $('pk-put').hidden = true;
      return SokoScan.pending().then(function (waiting) {
        // Scans queue behind those waiting: judge this one here and now.
        var why = (waiting || !navigator.onLine) && k.codes ? refusedHere(k, m) : '';
        if (why) { say('error', why); return; }
        return SokoScan.send({url: '/ops/picks/' + k.id + '/scan', body: body, meta: m}).then(function (a) { return pickAnswer(a, m, false, body.scan_id); });
      });
    });
  }
  function shortEntered(e) {
    e.preventDefault();
    var k = pk.task, n = parseInt($('pk-found').value, 10);
    if (!k) return;
    if (!(n >= 0 && n < k.remaining)) {
      say('error', t('pk_found_range', {max: k.remaining - 1}));
      $('pk-found').focus();
      return;
    }
    $('pk-shortform').hidden = true;
    scanner.focus(true);
    pickStep(function () {
      var m = {view: 'pick', task: k.id, short: true};
      return SokoScan.send({url: '/ops/picks/' + k.id + '/short', body: {scan_id: SokoScan.scanId(), found: n}, meta: m})
        .then(function (a) { return pickAnswer(a, m); });
    });
  }
  // putInto shows which tote the units just picked go into.
  function putInto(k) {
    var p = $('pk-put');
    p.textContent = t('pk_put', {tote: k.tote});
    p.appendChild(el('small', '', k.name + ' ×' + k.picked + ' · ' + k.order_no));
    p.hidden = false;
  }
  // countHere moves the task on screen by a scan that waits in the outbox.
  function countHere(a, m, scanId) {
    var k = pk.task;
    if (m.short) { say('warn', a.message); nextHere(); return; }
    var why = refusedHere(k, m);
    if (why) {
      pk.told.push(scanId);
      say('error', why);
    } else if (!m.item) {
      k.location_confirmed = true;
      renderTask();
      say('warn', t('pk_off_location', {loc: k.location, name: k.name, n: k.quantity - k.picked}));
    } else {
      k.picked += m.units;
      k.remaining = k.quantity - k.picked;
      if (k.picked < k.quantity) {
        renderTask();
        say('warn', t('pk_off_count', {picked: k.picked, qty: k.quantity, name: k.name}));
      } else {
        say('warn', t('pk_off_done', {name: k.name, tote: k.tote}));
        putInto(k);
        nextHere();
      }
    }
    savePick();
  }
  // nextHere goes on to the next task of the list without the server.
  function nextHere() {
    var left = pk.task ? pk.task.left - 1 : 0;
    pk.task = pk.ahead.shift() || null;
    if (pk.task) {
      pk.task.left = Math.max(1, left);
      showTask(pk.task);
    } else {
      $('pk-task').hidden = true;
      prompt('pk_off_wait');
    }
    savePick();
  }
  // pickAnswer shows what a pick scan or short report did and moves the
  // view on; late answers come from the outbox, outside pk.chain.
  function pickAnswer(a, m, late, scanId) {
    var k = pk.task, cur = view === 'pick' && k && k.id === m.task;
    if (late) return pickLate(a, m, scanId);
    if (a.queued && a.status !== 401) {
      if (cur) countHere(a, m, scanId);
      else say('warn', a.message);
      return;
    }
    if (failed(a, false, m.item && refusal(a) === 'over_pick' ? function (why) {
      return t('pk_put_back_now', {why: why, name: m.name, n: m.units || 1, loc: m.loc});
    } : null)) {
      var e = refusal(a);
      if (cur && e) $('pk-task').dataset.refused = e;
      // Another picker's task, or one already finished: the list moved on.
      if (cur && (a.status === 403 || a.status === 409)) return loadTask();
      return;
    }
    var d = a.data;
    say(m.short ? 'warn' : 'ok', d.message);
    if (view !== 'pick') return;
    if (d.task_done) {
      if (d.task.picked) putInto(d.task);
      if (cur || !k) return loadTask();
    } else if (cur) {
      pk.task = d.task;
      pk.task.codes = k.codes;
      renderTask();
      savePick();
    }
  }
  // refusal is the reason code a refused pick scan names (over_pick …).
  function refusal(a) {
    var e = ((a.data && a.data.errors) || [])[0];
    return e && e.field === 'code' ? e.message : '';
  }
  // pickLate takes the answer to a scan sent from the outbox. Counts on
  // screen moved when the scan was made, so only a refusal is news: an
  // item the server would not count is in the tote and must come out.
  // When the outbox is empty the task on screen is read afresh.
  function pickLate(a, m, scanId) {
    var told = pk.told.indexOf(scanId);
    if (told >= 0) {
      pk.told.splice(told, 1);
      savePick();
    } else if (!a.ok && a.status !== 401 && m.item && (refusal(a) === 'over_pick' || a.status === 409)) {
      say('error', t('late') + t('pk_put_back', {why: problem(a), name: m.name, n: m.units || 1, tote: m.tote, loc: m.loc}));
    } else if (!failed(a, true)) {
      say(m.short ? 'warn' : 'ok', t('late') + a.data.message);
    }
    SokoScan.pending().then(function (n) {
      if (!n && view === 'pick') pickStep(loadTask);
    });
  }

  // ---- receiving (入荷) ----
  function startReceive() {
    rc = {inbound: null, merchant: null, tally: {}, need: null};
    $('rc-pick').hidden = false;
    $('rc-scan').hidden = true;
    $('merchants').hidden = true;
    prompt('choose_inbound');
    var list = $('inbounds');
    list.textContent = t('loading');
    api('GET', '/ops/inbounds').then(function (a) {
      if (failed(a)) return;
      list.textContent = '';
      var open = rc.open = a.data.filter(function (i) { return i.status !== 'received'; });
      if (!open.length) list.appendChild(el('li', 'muted', t('no_inbounds')));
      open.forEach(function (i) {
        var want = 0, got = 0;
        i.lines.forEach(function (l) { want += l.quantity; got += l.received; });
        var b = el('button', 'item');
        b.type = 'button';
        b.dataset.id = i.id;
        b.append(el('b', '', i.inbound_no), el('span', '', ' ' + i.merchant_code + (i.expected_date ? ' · ' + i.expected_date : '')), el('span', 'count', got + '/' + want));
        b.onclick = function () { openInbound(i.id); };
        var li = el('li');
        li.appendChild(b);
        list.appendChild(li);
      });
    });
  }
  function chooseMerchant() {
    var box = $('merchants');
    box.hidden = false;
    box.textContent = t('loading');
    api('GET', '/ops/merchants').then(function (a) {
      if (failed(a)) return;
      box.textContent = '';
      a.data.forEach(function (m) {
        var b = el('button', 'item', m.code + ' ' + m.name);
        b.type = 'button';
        b.dataset.merchant = m.code;
        b.onclick = function () {
          rc.merchant = m.code;
          rc.inbound = null;
          showReceiving(t('no_asn_title', {merchant: m.name}));
        };
        box.appendChild(b);
      });
    });
  }
  function openInbound(id) {
    api('GET', '/ops/inbounds/' + id).then(function (a) {
      if (failed(a)) return;
      rc.inbound = a.data;
      showReceiving(a.data.inbound_no + ' · ' + a.data.merchant_code);
    });
  }
  function showReceiving(title) {
    $('rc-pick').hidden = true;
    $('rc-scan').hidden = false;
    $('rc-title').textContent = title;
    $('rc-finish').textContent = t(rc.inbound ? 'finish' : 'done');
    $('rc-qty').value = 1;
    closeLotForm();
    renderLines();
    prompt('scan_item');
    scanner.focus(true);
  }
  function renderLines(last) {
    var body = $('rc-lines').tBodies[0], want = 0, got = 0;
    body.textContent = '';
    var lines = rc.inbound ? rc.inbound.lines : Object.keys(rc.tally).map(function (k) { return rc.tally[k]; });
    lines.forEach(function (l) {
      var tr = el('tr');
      tr.dataset.sku = l.sku;
      var name = el('td');
      name.append(el('span', '', l.name), el('small', '', l.sku));
      tr.append(name, el('td', 'n expected', l.quantity == null ? '-' : l.quantity), el('td', 'n received', l.received));
      if (l.quantity != null) {
        if (l.received > l.quantity) tr.classList.add('over');
        else if (l.received === l.quantity) tr.classList.add('done');
        want += l.quantity;
      }
      if (l.sku === last) tr.classList.add('last');
      got += l.received;
      body.appendChild(tr);
    });
    $('rc-total').textContent = rc.inbound ? t('total', {got: got, want: want}) : '';
  }
  function receiveScan(code, again) {
    if (!rc.inbound && !rc.merchant) {
      // The inbound sheet's barcode is the inbound's number.
      var hit = (rc.open || []).filter(function (i) { return i.inbound_no === code; });
      if (hit.length === 1) openInbound(hit[0].id); else say('warn', t('choose_inbound'));
      return;
    }
    closeLotForm();
    var body = {scan_id: SokoScan.scanId(), code: code};
    var qty = again ? again.quantity : num($('rc-qty'), 1);
    if (qty > 1) body.quantity = qty;
    if (rc.inbound) body.inbound_id = rc.inbound.id;
    else body.merchant_code = rc.merchant;
    if (again && again.lot) body.lot = again.lot;
    if (again && again.expiry) body.expiry = again.expiry;
    $('rc-qty').value = 1;
    SokoScan.send({url: '/ops/receive', body: body, meta: {view: 'receive'}}).then(function (a) { receiveAnswer(a, body); });
  }
  function receiveAnswer(a, body, late) {
    var fields = O.fields(a);
    if (a.status === 422 && (fields.indexOf('lot') >= 0 || fields.indexOf('expiry') >= 0) && view === 'receive') {
      say('warn', (late ? t('late') : '') + problem(a));
      openLotForm(body, fields);
      return;
    }
    if (failed(a, late)) return;
    var d = a.data;
    say(d.over_receipt ? 'ok warn' : 'ok', (late ? t('late') : '') + d.message);
    if (view !== 'receive') return;
    if (rc.inbound && body.inbound_id === rc.inbound.id) {
      api('GET', '/ops/inbounds/' + rc.inbound.id).then(function (b) {
        if (b.ok && rc.inbound && rc.inbound.id === b.data.id) {
          rc.inbound = b.data;
          renderLines(d.sku);
        }
      });
    } else if (!rc.inbound && body.merchant_code === rc.merchant) {
      var l = rc.tally[d.sku] || (rc.tally[d.sku] = {sku: d.sku, name: d.name, quantity: null, received: 0});
      l.received += d.quantity;
      renderLines(d.sku);
    }
  }
  function openLotForm(body, fields) {
    rc.need = {code: body.code, quantity: body.quantity || 1};
    var f = $('lotform');
    f.hidden = false;
    $('lot-name').textContent = body.code;
    $('lot-row').hidden = fields.indexOf('lot') < 0;
    $('expiry-row').hidden = fields.indexOf('expiry') < 0;
    $('lot').value = body.lot || '';
    $('expiry').value = body.expiry || '';
    prompt('enter_lot');
    ($('lot-row').hidden ? $('expiry') : $('lot')).focus();
  }
  function closeLotForm() {
    rc.need = null;
    $('lotform').hidden = true;
  }
  // expiryDate reads 20271231, 2027-12-31 or 2027/12/31 as an ISO date.
  function expiryDate(s) {
    var m = s.trim().match(/^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/);
    if (!m) return null;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (d.getUTCMonth() !== +m[2] - 1) return null;
    return d.toISOString().slice(0, 10);
  }
  function lotEntered(e) {
    e.preventDefault();
    var need = rc.need;
    if (!need) return;
    var again = {quantity: need.quantity};
    if (!$('lot-row').hidden) {
      again.lot = $('lot').value.trim();
      if (!again.lot) { say('error', t('enter_lot')); $('lot').focus(); return; }
    }
    if (!$('expiry-row').hidden) {
      again.expiry = expiryDate($('expiry').value);
      if (!again.expiry) { say('error', t('bad_expiry')); $('expiry').focus(); return; }
    }
    receiveScan(need.code, again);
    prompt('scan_item');
    scanner.focus(true);
  }
  function finishReceiving() {
    if (!rc.inbound) { startReceive(); return; }
    var inbound = rc.inbound;
    twice($('rc-finish'), t('finish_confirm', {no: inbound.inbound_no}), function () {
      SokoScan.pending().then(function (n) {
        if (n) { say('error', t('finish_pending', {n: n})); return; }
        api('POST', '/ops/inbounds/' + inbound.id + '/finish').then(function (a) {
          if (failed(a)) return;
          say('ok', t('finished', {no: inbound.inbound_no}));
          startReceive();
        });
      });
    });
  }

  // ---- put-away (棚入れ): item, then shelf ----
  function startPutAway() {
    pa = {item: null};
    $('pa-item').hidden = true;
    prompt('scan_item');
  }
  function putAwayScan(code) {
    if (!pa.item) {
      api('GET', '/ops/products/lookup?code=' + encodeURIComponent(code)).then(function (a) {
        if (a.offline) {
          pa.item = {code: code, name: code, units: null};
          showPutAwayItem();
          say('warn', t('offline_item'));
          return;
        }
        if (failed(a)) return;
        pa.item = {code: code, name: a.data.name, sku: a.data.sku, units: a.data.units};
        showPutAwayItem();
        say('ok', t('pa_item', {name: a.data.name, n: a.data.units}));
      });
      return;
    }
    var body = {scan_id: SokoScan.scanId(), code: pa.item.code, to: code};
    var qty = num($('pa-qty'), 1);
    if (qty) body.quantity = qty;
    SokoScan.send({url: '/ops/putaway', body: body, meta: {view: 'putaway'}}).then(function (a) { putAwayAnswer(a); });
  }
  function showPutAwayItem() {
    $('pa-item').hidden = false;
    $('pa-name').textContent = pa.item.name;
    $('pa-sku').textContent = pa.item.sku || '';
    $('pa-qty').value = pa.item.units || '';
    prompt('scan_shelf');
  }
  function putAwayAnswer(a, late) {
    if (a.queued && a.status !== 401 && view === 'putaway') startPutAway();
    if (failed(a, late)) return;
    say('ok', (late ? t('late') : '') + a.data.message);
    var done = $('pa-done');
    done.insertBefore(el('li', '', a.data.message), done.firstChild);
    while (done.children.length > 5) done.lastChild.remove();
    if (view === 'putaway' && !late) startPutAway();
  }

  // ---- kitting (キッティング): its code loads when first opened ----
  function startKit() {
    var go = function () { SokoKit.start({prompt: prompt, failed: failed, el: el, $: $, focus: function () { scanner.focus(true); }}); };
    if (window.SokoKit) return go();
    prompt('loading');
    var s = document.createElement('script');
    s.src = $('m-kit').dataset.code;
    s.onload = go;
    document.head.appendChild(s);
  }

  // ---- counts (棚卸): a location, then everything on it ----
  function startCount() {
    ct = {loc: null, lines: []};
    $('ct-loc').textContent = '';
    $('ct-count').hidden = true;
    prompt('scan_location');
  }
  function countScan(code) {
    if (!ct.loc) {
      api('GET', '/ops/locations/' + encodeURIComponent(code)).then(function (a) {
        if (a.offline) { countAt(code); say('warn', t('offline_location')); return; }
        if (failed(a)) return;
        countAt(a.data.code);
        say('ok', t('ct_location', {loc: a.data.code}));
      });
      return;
    }
    if (code === ct.loc) { say('warn', t('ct_same_location')); return; }
    api('GET', '/ops/products/lookup?code=' + encodeURIComponent(code) + '&location=' + encodeURIComponent(ct.loc)).then(function (a) {
      var d = a.offline ? {sku: code, name: code, units: 1} : a.data;
      if (!a.offline && failed(a)) return;
      var key = d.sku + '\u0000' + (d.lot || ''), line = null;
      ct.lines.forEach(function (l) { if (l.key === key) line = l; });
      if (!line) ct.lines.push(line = {key: key, code: code, sku: d.sku, name: d.name, lot: d.lot || '', quantity: 0});
      line.quantity += d.units;
      renderCount(key);
      say(a.offline ? 'warn' : 'ok', t('ct_added', {name: d.name, n: d.units, total: line.quantity}));
    });
  }
  function countAt(loc) {
    ct = {loc: loc, lines: []};
    $('ct-loc').textContent = loc;
    $('ct-count').hidden = false;
    $('ct-result').hidden = true;
    renderCount();
    prompt('scan_items');
  }
  function renderCount(last) {
    var body = $('ct-lines').tBodies[0];
    body.textContent = '';
    ct.lines.forEach(function (l) {
      var tr = el('tr'), name = el('td'), q = el('td', 'n'), input = el('input', 'qty');
      tr.dataset.sku = l.sku;
      name.append(el('span', '', l.name), el('small', '', l.sku + (l.lot ? ' / ' + l.lot : '')));
      input.type = 'number';
      input.inputMode = 'numeric';
      input.min = 0;
      input.value = l.quantity;
      input.setAttribute('aria-label', t('quantity'));
      input.onchange = function () { l.quantity = Math.max(0, parseInt(input.value, 10) || 0); };
      q.appendChild(input);
      tr.append(name, q);
      if (l.key === last) tr.classList.add('last');
      body.appendChild(tr);
    });
    $('ct-empty').hidden = ct.lines.length > 0;
  }
  function submitCount() {
    if (!ct.loc) return;
    var submit = function () {
      var body = {scan_id: SokoScan.scanId(), location: ct.loc, lines: ct.lines.map(function (l) {
        var line = {code: l.code, quantity: l.quantity};
        if (l.lot) line.lot = l.lot;
        return line;
      })};
      SokoScan.send({url: '/ops/counts', body: body, meta: {view: 'count'}}).then(function (a) { countAnswer(a); });
    };
    if (ct.lines.length) submit();
    else twice($('ct-submit'), t('ct_confirm_empty', {loc: ct.loc}), submit);
  }
  function countAnswer(a, late) {
    if (a.queued && a.status !== 401 && view === 'count') startCount();
    if (failed(a, late)) return;
    var d = a.data, diffs = d.lines.filter(function (l) { return l.difference !== 0; }).length;
    say('ok', (late ? t('late') : '') + t('ct_done', {loc: d.location, n: diffs}));
    if (view !== 'count') return;
    startCount();
    var box = $('ct-result'), body = $('ct-diff').tBodies[0];
    box.hidden = false;
    $('ct-result-loc').textContent = d.location;
    body.textContent = '';
    d.lines.forEach(function (l) {
      var tr = el('tr', l.difference ? 'diff' : ''), name = el('td');
      name.append(el('span', '', l.name), el('small', '', l.sku + (l.lot ? ' / ' + l.lot : '')));
      tr.dataset.sku = l.sku;
      tr.append(name, el('td', 'n', l.before), el('td', 'n', l.counted), el('td', 'n', (l.difference > 0 ? '+' : '') + l.difference));
      body.appendChild(tr);
    });
    $('ct-short').textContent = d.short_orders.length ? t('ct_short', {orders: d.short_orders.join(', ')}) : '';
    $('ct-realloc').textContent = d.reallocated_orders.length ? t('ct_realloc', {orders: d.reallocated_orders.join(', ')}) : '';
  }

  // lateAnswer takes the answer to a scan that waited in the outbox.
  function lateAnswer(a, body, meta) {
    var v = meta && meta.view;
    if (v === 'receive') receiveAnswer(a, body, true);
    else if (v === 'putaway') putAwayAnswer(a, true);
    else if (v === 'count') countAnswer(a, true);
    else if (v === 'pick') pickAnswer(a, meta, true, body.scan_id);
    else failed(a, true);
  }

  // ---- wiring ----
  function start() {
    badgeScanned = O.signInForm({device: O.device('HH-', 'soko.device'), prompt: prompt, signedIn: signedIn,
      focusScan: function () { scanner.focus(true); }});
    scanner = SokoScan.attach({
      input: $('scan'),
      onScan: onScan,
      camera: $('cam'),
      pending: $('pending'),
      headers: O.scanHeaders,
      onLateAnswer: lateAnswer,
      onCameraError: function (msg) { say('error', msg); }
    });
    $('signout').onclick = signOut;
    $('back').onclick = function () {
      if (view === 'count' && ct.lines.length) twice($('back'), t('ct_unsaved'), function () { go('menu'); });
      else go('menu');
    };
    ['pick', 'receive', 'putaway', 'count', 'kit'].forEach(function (m) { $('m-' + m).onclick = function () { go(m); }; });
    $('pk-short').onclick = function () {
      if (!pk.task) return;
      var f = $('pk-found');
      $('pk-shortform').hidden = false;
      f.max = pk.task.remaining - 1;
      f.value = '';
      f.focus();
      f.scrollIntoView({block: 'center'});
    };
    $('pk-shortform').onsubmit = shortEntered;
    $('pk-short-cancel').onclick = function () { $('pk-shortform').hidden = true; scanner.focus(true); };
    $('pk-menu').onclick = function () { go('menu'); };
    $('no-asn').onclick = chooseMerchant;
    $('rc-finish').onclick = finishReceiving;
    $('lotform').onsubmit = lotEntered;
    $('lot').onkeydown = function (e) {
      if (e.key === 'Enter' && !$('expiry-row').hidden && !$('expiry').value) { e.preventDefault(); $('expiry').focus(); }
    };
    $('lot-cancel').onclick = function () { closeLotForm(); prompt('scan_item'); scanner.focus(true); };
    $('pa-cancel').onclick = startPutAway;
    $('ct-submit').onclick = submitCount;
    $('ct-cancel').onclick = startCount;
    O.keyboard($('kbd'), $('scan'));
    // Enter in a quantity field hands the keyboard back to the scanner;
    // in a form's number field it submits the form.
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && e.target.type === 'number' && !e.target.form) {
        e.preventDefault();
        e.target.blur();
        scanner.focus(true);
      }
    });
    O.offlineShell();
    api('GET', '/ops/session').then(function (a) {
      if (a.ok) signedIn(a.data);
      else if (a.offline && O.remembered()) { signedIn(O.remembered()); say('warn', t('offline_shell')); }
      else go('login');
    });
  }
  start();
})();
