/* soko supervisor console (/console): sign-in by badge and PIN, then one
 * section at a time, chosen by the URL's #fragment: tracking-number ranges
 * (送り状番号帯), the carrier CSV export (送り状データ出力) and the import of
 * the numbers the carrier's software issued (発行済み番号の取込) and the
 * release of a pick wave (ウェーブ). A thin
 * client of the /ops API; the page's words come from the server in #words.
 * A new section is a <section class="panel"> in console.html, a link in the
 * nav and an entry in `sections` below. */
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }
  var O = SokoOps, t = O.t, el = O.el, api = O.api, lang = O.lang;
  var session = null, exportURL = null;

  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      var td = el('td', c.cls, c.text);
      if (c.node) td.appendChild(c.node);
      tr.appendChild(td);
    });
    return tr;
  }

  function problem(a) { return O.problem(a, true); }
  // show writes a section's message; kind is ok, error, warn or '' (working).
  function show(id, kind, msg) {
    var m = $(id);
    m.className = 'msg ' + kind;
    m.textContent = msg;
  }
  // failed reports a refused answer in the section's message area, and
  // whether a was one; a lost session goes back to the sign-in.
  function failed(id, a) {
    if (a.status === 401) { signedOut(t('expired')); return true; }
    if (!a.ok) { show(id, 'error', problem(a)); return true; }
    return false;
  }
  function carrierName(code) { return t(code); }
  function digits(n) { return String(n).padStart(11, '0'); }
  function count(n) { return Number(n).toLocaleString(lang === 'en' ? 'en-US' : 'ja-JP'); }
  function problems(id, list) {
    var box = $(id), body = box.querySelector('tbody');
    body.textContent = '';
    (list || []).forEach(function (p) {
      body.appendChild(row([{text: p.row, cls: 'n'}, {text: p.order_no || ''}, {text: p.field}, {text: p.message}]));
    });
    box.hidden = !body.children.length;
  }

  // ---- 送り状番号帯 ----
  function loadRanges() {
    return api('GET', '/ops/tracking-ranges').then(function (a) {
      if (failed('range-msg', a)) return;
      var body = $('range-table').querySelector('tbody');
      body.textContent = '';
      a.data.forEach(function (r) {
        var tr = row([
          {text: carrierName(r.carrier)}, {text: r.service || t('any')},
          {text: digits(r.first), cls: 'n'}, {text: digits(r.last), cls: 'n'}, {text: digits(r.next), cls: 'n'},
          {text: count(r.remaining), cls: 'n remaining'},
          {node: r.nearly_used_up ? el('span', 'tag warn', t('nearly_used_up')) : null}
        ]);
        tr.dataset.carrier = r.carrier;
        tr.dataset.first = digits(r.first);
        if (r.nearly_used_up) tr.classList.add('low');
        body.appendChild(tr);
      });
      $('range-table').hidden = !a.data.length;
      $('no-ranges').hidden = !!a.data.length;
    });
  }
  function addRange(e) {
    e.preventDefault();
    var first = $('range-first').value.trim(), last = $('range-last').value.trim();
    if (!/^[0-9]{11}$/.test(first) || !/^[0-9]{11}$/.test(last)) {
      show('range-msg', 'error', t('eleven_digits'));
      $(/^[0-9]{11}$/.test(first) ? 'range-last' : 'range-first').focus();
      return;
    }
    var body = {carrier: $('range-carrier').value, first: Number(first), last: Number(last)};
    var service = $('range-service').value.trim();
    if (service) body.service = service;
    show('range-msg', '', t('working'));
    api('POST', '/ops/tracking-ranges', body).then(function (a) {
      if (failed('range-msg', a)) return;
      show('range-msg', 'ok', t('range_added', {carrier: carrierName(a.data.carrier), n: count(a.data.remaining)}));
      $('range-first').value = '';
      $('range-last').value = '';
      $('range-service').value = '';
      loadRanges();
    });
  }

  // ---- 送り状データ出力 ----
  // The file is the server's Shift_JIS bytes, decoded from base64 and
  // offered as they are: turning them into a string would re-encode them.
  function exportCSV(e) {
    e.preventDefault();
    var code = $('export-carrier').value;
    if (exportURL) { URL.revokeObjectURL(exportURL); exportURL = null; }
    $('export-download').hidden = true;
    problems('export-problems', []);
    show('export-msg', '', t('working'));
    api('GET', '/ops/carrier-exports/' + encodeURIComponent(code)).then(function (a) {
      if (failed('export-msg', a)) return;
      var d = a.data;
      problems('export-problems', d.problems);
      if (!d.rows) {
        show('export-msg', d.problems && d.problems.length ? 'error' : 'warn', t('nothing'));
        return;
      }
      var bin = atob(d.csv), bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      exportURL = URL.createObjectURL(new Blob([bytes], {type: 'text/csv'}));
      var link = $('export-file');
      link.href = exportURL;
      link.download = d.filename;
      link.textContent = d.filename;
      $('export-download').hidden = false;
      show('export-msg', d.problems && d.problems.length ? 'warn' : 'ok', t('exported', {n: count(d.rows)}));
    });
  }

  // ---- 発行済み番号の取込 ----
  function importCSV(e) {
    e.preventDefault();
    var file = $('import-file').files[0];
    $('import-labeled').hidden = true;
    problems('import-problems', []);
    if (!file) { show('import-msg', 'error', t('choose_file')); $('import-file').focus(); return; }
    show('import-msg', '', t('working'));
    api('POST', '/ops/carrier-imports/' + encodeURIComponent($('import-carrier').value), file, 'text/csv').then(function (a) {
      if (failed('import-msg', a)) return;
      var d = a.data;
      problems('import-problems', d.problems);
      show('import-msg', d.problems.length ? 'warn' : 'ok', t('imported', {n: count(d.attached)}));
      if (d.labeled_orders.length) {
        $('import-labeled').querySelector('span').textContent = d.labeled_orders.join('、');
        $('import-labeled').hidden = false;
      }
      $('import-file').value = '';
    });
  }

  // ---- ウェーブ ----
  // Fields left empty are left out: the API checks the minimums of those sent.
  function releaseWave(e) {
    e.preventDefault();
    var body = {mode: $('wave-mode').value};
    var carrier = $('wave-carrier').value, cutOff = $('wave-cutoff').value;
    if (carrier) body.carrier = carrier;
    if (cutOff) {
      var d = new Date(cutOff);
      if (isNaN(d.getTime())) { show('wave-msg', 'error', t('bad_cut_off')); $('wave-cutoff').focus(); return; }
      body.cut_off = d.toISOString();
    }
    var nums = [['priority', 'wave-priority'], ['max_orders', 'wave-max-orders'], ['max_units', 'wave-max-units']];
    for (var i = 0; i < nums.length; i++) {
      var v = $(nums[i][1]).value.trim();
      if (!v) continue;
      if (!/^[0-9]+$/.test(v)) { show('wave-msg', 'error', t('whole_number')); $(nums[i][1]).focus(); return; }
      body[nums[i][0]] = Number(v);
    }
    show('wave-msg', '', t('working'));
    api('POST', '/ops/waves', body).then(function (a) {
      if (failed('wave-msg', a)) return;
      show('wave-msg', 'ok', t('wave_released', {wave: a.data.wave_no, orders: count(a.data.orders), tasks: count(a.data.tasks)}));
    });
  }

  // ---- sections ----
  // sections maps each #fragment to what showing it loads.
  var sections = {ranges: loadRanges, export: null, import: null, waves: null};
  function route() {
    if (!session || !$('denied').hidden) return;
    var name = location.hash.slice(1);
    if (!sections.hasOwnProperty(name)) name = 'ranges';
    Object.keys(sections).forEach(function (s) { $(s).hidden = s !== name; });
    document.querySelectorAll('nav a').forEach(function (a) {
      if (a.dataset.section === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    if (sections[name]) sections[name]();
  }

  // ---- sign-in ----
  function say(kind, msg) {
    var r = $('result');
    r.className = kind;
    r.textContent = msg;
  }
  function signIn(e) {
    e.preventDefault();
    var badge = $('badge').value.trim(), pin = $('pin').value;
    if (!badge) { $('badge').focus(); return; }
    if (!pin) { $('pin').focus(); return; }
    api('POST', '/ops/session', {badge: badge, pin: pin}).then(function (a) {
      $('pin').value = '';
      if (!a.ok) { say('error', problem(a)); $(a.status === 423 ? 'badge' : 'pin').focus(); return; }
      signedIn(a.data);
      say('ok', t('welcome', {name: a.data.name}));
    });
  }
  function signedIn(s) {
    session = s;
    O.use(s);
    var allowed = s.menus.indexOf('console') >= 0;
    $('who').textContent = s.name;
    $('v-login').hidden = true;
    $('signout').hidden = false;
    $('denied').hidden = allowed;
    $('v-console').hidden = !allowed;
    route();
  }
  function signedOut(msg) {
    session = null;
    O.use(null);
    $('who').textContent = '';
    $('v-login').hidden = false;
    $('v-console').hidden = true;
    $('denied').hidden = true;
    $('signout').hidden = true;
    $('badge').value = '';
    $('pin').value = '';
    $('badge').focus();
    if (msg) say('error', msg);
  }

  $('login').addEventListener('submit', signIn);
  $('signout').addEventListener('click', function () {
    api('DELETE', '/ops/session').then(function () { signedOut(); say('ok', t('signed_out')); });
  });
  $('range-form').addEventListener('submit', addRange);
  $('export-form').addEventListener('submit', exportCSV);
  $('import-form').addEventListener('submit', importCSV);
  $('wave-form').addEventListener('submit', releaseWave);
  window.addEventListener('hashchange', route);
  api('GET', '/ops/session').then(function (a) {
    if (a.ok && !session) signedIn(a.data);
    else if (!session) $('badge').focus();
  });
})();
