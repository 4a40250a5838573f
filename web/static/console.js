/* soko supervisor console (/console): sign-in by badge and PIN, then one
 * section at a time, chosen by the URL's #fragment: tracking-number ranges
 * (送り状番号帯), the carrier CSV export (送り状データ出力) and the import of
 * the numbers the carrier's software issued (発行済み番号の取込) and the
 * release of a pick wave (ウェーブ), carrier pickups (集荷) with their
 * handover lists, notifications (通知) and their redelivery, and each
 * merchant's shipment email (発送完了メール) with a preview. A thin
 * client of the /ops API; the page's words come from the server in #words.
 * A new section is a <section class="panel"> in console.html, a link in the
 * nav and an entry in `sections` below. */
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }
  var O = SokoOps, say = O.say, t = O.t, el = O.el, api = O.api, lang = O.lang;
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
  // latest makes a counter of a view's loads: calling what it returns
  // starts a load and gives a function telling whether that load is still
  // the view's newest, so an answer to an earlier load that comes back
  // late does not replace the one asked for after it.
  function latest() {
    var n = 0;
    return function () {
      var mine = ++n;
      return function () { return mine === n; };
    };
  }
  // clearFields takes the notes refused left off a form's fields.
  function clearFields(form) {
    form.querySelectorAll('[aria-invalid]').forEach(function (i) {
      i.removeAttribute('aria-invalid');
      i.removeAttribute('aria-describedby');
    });
    form.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
  }
  // refused shows why the server said no in msgId and, under each field
  // of form it names (an input with data-field), the reason beside it,
  // focusing the first; it reports whether a was a refusal.
  function refused(msgId, form, a) {
    if (form) clearFields(form);
    if (!failed(msgId, a)) return false;
    var first = null;
    ((a.data && a.data.errors) || []).forEach(function (e, i) {
      var input = form && form.querySelector('[data-field="' + CSS.escape(e.field) + '"]');
      if (!input) return;
      var note = el('span', 'field-error', e.message);
      note.id = form.id + '-err-' + i;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', note.id);
      input.closest('label').appendChild(note);
      if (!first) first = input;
    });
    if (first) first.focus();
    return true;
  }
  // fieldWrong refuses one field of form on the page's own check.
  function fieldWrong(msgId, form, input, msg) {
    refused(msgId, form, {ok: false, status: 422, data: {detail: msg, errors: [{field: input.dataset.field, message: msg}]}});
  }
  // merchants fills a select with the merchants, keeping its choice; it
  // resolves to whether there is any.
  function merchants(selectId, msgId) {
    return api('GET', '/ops/merchants').then(function (a) {
      if (failed(msgId, a)) return false;
      var sel = $(selectId), was = sel.value;
      sel.textContent = '';
      a.data.forEach(function (m) {
        var o = el('option', '', m.code + ' ' + m.name);
        o.value = m.id;
        sel.appendChild(o);
      });
      if (!a.data.length) { show(msgId, 'warn', t('no_merchants')); return false; }
      if (was) sel.value = was;
      return true;
    });
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
  // As the order import: a file is previewed first, and the server writes
  // nothing; Import is offered only for the file and carrier just
  // previewed, and only when the preview found no problem. The server
  // checks the file again and attaches every number or none.
  var importable = null; // {file, carrier} of a preview without problems
  function importPath() { return '/ops/carrier-imports/' + encodeURIComponent($('import-carrier').value); }
  function importShown(d) {
    $('import-result').hidden = false;
    $('import-summary').textContent = t('import_summary', {numbers: count(d.numbers), attach: count(d.attach), unchanged: count(d.unchanged)});
    problems('import-problems', d.problems);
    $('import-problem-count').textContent = count(d.problem_count);
    var body = $('import-rows').querySelector('tbody');
    body.textContent = '';
    d.sample.forEach(function (r) {
      var tr = row([{text: r.row, cls: 'n'}, {text: r.management_no}, {text: r.order_no}, {text: r.tracking_number},
        {node: el('span', 'tag imp-' + r.state, t('imp_' + r.state))}]);
      tr.dataset.state = r.state;
      body.appendChild(tr);
    });
  }
  function previewImport(e) {
    e.preventDefault();
    var file = $('import-file').files[0];
    importable = null;
    $('import-apply').disabled = true;
    $('import-labeled').hidden = true;
    $('import-result').hidden = true;
    if (!file) { show('import-msg', 'error', t('choose_file')); $('import-file').focus(); return; }
    var asked = {file: file, carrier: $('import-carrier').value};
    show('import-msg', '', t('working'));
    api('POST', importPath() + '/preview', file, 'text/csv').then(function (a) {
      if (failed('import-msg', a)) return;
      var d = a.data;
      importShown(d);
      if (d.problem_count) { show('import-msg', 'error', t('import_bad', {n: count(d.problem_count)})); return; }
      importable = asked;
      $('import-apply').disabled = false;
      show('import-msg', 'ok', d.attach ? t('import_ok', {n: count(d.attach)}) : t('import_same'));
      $('import-apply').focus();
    });
  }
  function applyImport() {
    if (!importable) return;
    var file = importable.file;
    importable = null;
    $('import-apply').disabled = true;
    show('import-msg', '', t('working'));
    api('POST', importPath(), file, 'text/csv').then(function (a) {
      if (a.status === 422 && a.data.problems) {
        importShown(a.data);
        show('import-msg', 'error', t('import_refused', {n: count(a.data.problem_count)}));
        return;
      }
      if (failed('import-msg', a)) return;
      var d = a.data;
      show('import-msg', 'ok', t('imported', {n: count(d.attached)}));
      if (d.labeled_orders.length) {
        $('import-labeled').querySelector('span').textContent = d.labeled_orders.join('、');
        $('import-labeled').hidden = false;
      }
      document.querySelectorAll('#import-rows tr[data-state="new"]').forEach(function (tr) {
        tr.dataset.state = 'unchanged';
        var tag = tr.querySelector('.tag');
        tag.className = 'tag imp-unchanged';
        tag.textContent = t('imp_unchanged');
      });
      $('import-file').value = '';
    });
  }
  // A delivery status file is imported whole or not at all; the server
  // lists each refused line.
  function importStatus(e) {
    e.preventDefault();
    var file = $('status-file').files[0], list = $('status-problems');
    list.textContent = '';
    list.hidden = true;
    if (!file) { show('status-msg', 'error', t('choose_file')); $('status-file').focus(); return; }
    show('status-msg', '', t('working'));
    api('POST', '/ops/status-imports', file, 'text/csv').then(function (a) {
      if (failed('status-msg', a)) {
        (a.data && a.data.errors || []).forEach(function (p) { list.appendChild(el('li', '', p.field + ': ' + p.message)); });
        list.hidden = !list.children.length;
        return;
      }
      var d = a.data;
      show('status-msg', 'ok', t('status_imported', {rows: count(d.rows), recorded: count(d.recorded), duplicates: count(d.duplicates), changed: count(d.changed)}));
      $('status-file').value = '';
    });
  }
  // Another file or carrier than the one previewed must be previewed first.
  function importChanged() {
    importable = null;
    $('import-apply').disabled = true;
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

  // ---- 集荷 ----
  function loadManifests() {
    $('manifest-detail').hidden = true;
    api('GET', '/ops/manifests').then(function (a) {
      if (failed('manifest-msg', a)) return;
      var tb = $('manifest-table').querySelector('tbody');
      tb.textContent = '';
      a.data.forEach(function (m) {
        var act = el('span');
        if (m.status === 'closed') {
          var pdf = el('a', '', t('reprint'));
          pdf.href = '/ops/manifests/' + m.id + '/handover.pdf';
          pdf.target = '_blank';
          act.appendChild(pdf);
        }
        if (m.missing) {
          var b = el('button', '', t('show_missing'));
          b.type = 'button';
          b.onclick = function () { showMissing(m.id); };
          act.appendChild(b);
        }
        tb.appendChild(row([{text: '#' + m.id}, {text: m.carrier_name}, {text: m.pickup_date + ' ' + (m.pickup_time || '')},
          {text: t('st_' + m.status)}, {text: count(m.loaded), cls: 'n'}, {text: count(m.missing), cls: m.missing ? 'n alert' : 'n'}, {node: act}]));
      });
      $('no-manifests').hidden = a.data.length > 0;
    });
  }
  function showMissing(id) {
    api('GET', '/ops/manifests/' + id).then(function (a) {
      if (failed('manifest-msg', a)) return;
      $('manifest-title').textContent = t('missing_of', {id: id}) + (a.data.confirmed_by ? '（' + a.data.confirmed_by + '）' : '');
      var tb = $('manifest-missing');
      tb.textContent = '';
      a.data.missing_parcels.forEach(function (p) {
        tb.appendChild(row([{text: p.tracking_number}, {text: p.order_no + ' (' + p.parcel + '/' + p.parcels + ')'}, {text: p.merchant}, {text: p.prefecture}]));
      });
      $('manifest-detail').hidden = false;
    });
  }

  // ---- 通知 ----
  // loadDeliveries lists notifications; arg (status=dead) or the form's
  // submit event chooses which.
  function loadDeliveries(arg) {
    if (arg && arg.preventDefault) arg.preventDefault();
    else if (typeof arg === 'string') {
      var st = /(?:^|&)status=(\w+)/.exec(arg);
      if (st) $('delivery-status').value = st[1];
    }
    var q = [];
    if ($('delivery-status').value) q.push('status=' + $('delivery-status').value);
    if ($('delivery-channel').value) q.push('channel=' + $('delivery-channel').value);
    api('GET', '/ops/deliveries?limit=100' + (q.length ? '&' + q.join('&') : '')).then(function (a) {
      if (failed('delivery-msg', a)) return;
      var tb = $('delivery-table').querySelector('tbody');
      tb.textContent = '';
      a.data.data.forEach(function (d) {
        var act = el('span');
        if (d.status !== 'pending') {
          var b = el('button', '', t('redeliver'));
          b.type = 'button';
          b.onclick = function () { redeliver(d.id); };
          act.appendChild(b);
        }
        tb.appendChild(row([{text: '#' + d.id}, {text: t('ch_' + d.channel)}, {text: d.event_type}, {text: d.order_no || ''},
          {text: t('st_' + d.status), cls: d.status === 'dead' ? 'alert' : ''}, {text: count(d.attempts), cls: 'n'},
          {text: d.last_error || '', cls: 'error-text'}, {node: act}]));
      });
      $('no-deliveries').hidden = a.data.data.length > 0;
    });
  }
  function redeliver(id) {
    api('POST', '/ops/deliveries/' + id + '/redeliver').then(function (a) {
      if (failed('delivery-msg', a)) return;
      show('delivery-msg', 'ok', t('redelivered', {id: id}));
      loadDeliveries();
    });
  }

  // ---- 発送完了メール ----
  var emailDefault = null;
  function loadEmail() {
    merchants('email-merchant', 'email-msg').then(function (any) { if (any) loadTemplate(); });
  }
  function templatePath(suffix) { return '/ops/merchants/' + $('email-merchant').value + '/email-template' + (suffix || ''); }
  function loadTemplate() {
    $('email-shown').hidden = true;
    api('GET', templatePath()).then(function (a) {
      if (failed('email-msg', a)) return;
      emailDefault = a.data;
      $('email-subject').value = a.data.subject;
      $('email-body').value = a.data.body;
      $('email-notices').checked = a.data.delivery_notices;
      $('email-subject').placeholder = a.data.default_subject;
      $('email-body').placeholder = a.data.default_body;
      var tb = $('email-placeholders');
      tb.textContent = '';
      a.data.placeholders.forEach(function (p) {
        tb.appendChild(row([{text: p.name, cls: 'code'}, {text: p.within || ''}, {text: p.description}]));
      });
    });
  }
  function templateBody() { return {subject: $('email-subject').value, body: $('email-body').value, delivery_notices: $('email-notices').checked}; }
  function previewEmail() {
    api('POST', templatePath('/preview'), templateBody()).then(function (a) {
      if (failed('email-msg', a)) { $('email-shown').hidden = true; return; }
      show('email-msg', '', '');
      $('email-shown-subject').textContent = a.data.subject;
      $('email-shown-body').textContent = a.data.body;
      $('email-shown').hidden = false;
    });
  }
  function saveEmail(e) {
    e.preventDefault();
    api('PUT', templatePath(), templateBody()).then(function (a) {
      if (failed('email-msg', a)) return;
      show('email-msg', 'ok', t('saved'));
    });
  }

  // ---- sections ----
  // sections maps each #fragment's name to what showing it loads; a
  // fragment may carry an argument after / or ? (#order/42,
  // #orders?status=short), handed to the loader. Sections in their own
  // scripts (console_*.js) add themselves through SokoConsole.register.
  var sections = {ranges: loadRanges, export: null, import: null, waves: null, manifests: loadManifests, deliveries: loadDeliveries, email: loadEmail};
  var home = 'ranges';
  function route() {
    if (!session || !$('denied').hidden) return;
    var m = /^([a-z_-]+)(?:[\/?](.*))?$/.exec(location.hash.slice(1)) || [];
    var name = m[1], arg = m[2] || '';
    if (!sections.hasOwnProperty(name)) { name = home; arg = ''; }
    Object.keys(sections).forEach(function (s) { $(s).hidden = s !== name; });
    document.querySelectorAll('nav a').forEach(function (a) {
      if (a.dataset.section === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    if (sections[name]) sections[name](decodeURIComponent(arg));
  }
  // SokoConsole is what section scripts share with this one.
  window.SokoConsole = {
    // register adds a section: its <section id=name> and what showing it
    // loads; home makes it the section shown when the URL names none.
    register: function (name, load, isHome) {
      sections[name] = load;
      if (isHome) home = name;
    },
    session: function () { return session; },
    api: api, t: t, el: el, row: row, show: show, failed: failed, latest: latest, refused: refused, clearFields: clearFields, fieldWrong: fieldWrong, merchants: merchants, count: count, problem: problem,
    refresh: route
  };

  // ---- sign-in ----
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

  // The console names no device: its actions are recorded as the console's.
  O.signInForm({device: '', prompt: function () {}, signedIn: signedIn, focusScan: function () { $('badge').focus(); }});
  $('signout').addEventListener('click', function () {
    api('DELETE', '/ops/session').then(function () { signedOut(); say('ok', t('signed_out')); });
  });
  $('range-form').addEventListener('submit', addRange);
  $('export-form').addEventListener('submit', exportCSV);
  $('import-form').addEventListener('submit', previewImport);
  $('import-apply').addEventListener('click', applyImport);
  $('status-form').addEventListener('submit', importStatus);
  ['import-carrier', 'import-file'].forEach(function (id) { $(id).addEventListener('change', importChanged); });
  $('wave-form').addEventListener('submit', releaseWave);
  $('delivery-form').addEventListener('submit', loadDeliveries);
  $('email-form').addEventListener('submit', saveEmail);
  $('email-merchant').addEventListener('change', loadTemplate);
  $('email-preview').addEventListener('click', previewEmail);
  $('email-default').addEventListener('click', function () {
    $('email-subject').value = emailDefault.default_subject;
    $('email-body').value = emailDefault.default_body;
  });
  window.addEventListener('hashchange', route);
  api('GET', '/ops/session').then(function (a) {
    if (a.ok && !session) signedIn(a.data);
    else if (!session) $('badge').focus();
  });
})();
