/* soko console: the admin section (see console_admin.html) — merchants
 * (荷主) with their sender block and slip message, staff (スタッフ) with
 * roles, PINs and badge cards, each merchant's API keys (APIキー) and
 * webhook endpoint (Webhook), box types (箱), locations (ロケーション) and
 * the carrier contracts the carriers' files need (配送業者契約).
 * Supervisors see the lists; the forms are for admins, and the server
 * refuses every change from anyone else. Secrets (a new API key, PIN or
 * signing secret) are shown once, from the answer that made them, and
 * never fetched again. */
(function () {
  'use strict';
  var C = window.SokoConsole, O = window.SokoOps;
  var api = C.api, t = C.t, el = C.el, row = C.row, show = C.show, failed = C.failed, count = C.count;
  var refused = C.refused, clearFields = C.clearFields, fieldWrong = C.fieldWrong;
  function $(id) { return document.getElementById(id); }

  function isAdmin() {
    var s = C.session();
    return !!s && s.menus.indexOf('admin') >= 0;
  }
  // writable shows a panel's forms to admins and, to anyone else, why
  // there are none.
  function writable(panel) {
    var admin = isAdmin();
    $(panel).querySelectorAll('.adm-write').forEach(function (f) { if (!admin || !f.dataset.onDemand) f.hidden = !admin; });
    $(panel).querySelectorAll('.adm-readonly').forEach(function (p) { p.hidden = admin; });
    return admin;
  }
  // adminOnly gates the panels only admins may see at all.
  function adminOnly(panel) {
    var admin = isAdmin();
    $(panel).querySelector('.adm-denied').hidden = admin;
    $(panel).querySelector('.adm-body').hidden = !admin;
    return admin;
  }
  // The API key and webhook links are hidden from supervisors once the
  // console opens; the server refuses those calls whatever the page shows.
  function navForRole() {
    var admin = isAdmin();
    document.querySelectorAll('.adm-admin-link').forEach(function (a) { a.hidden = !admin; });
  }

  function button(text, onclick, label) {
    var b = el('button', '', text);
    b.type = 'button';
    b.onclick = function () { onclick(b); };
    if (label) b.setAttribute('aria-label', label);
    return b;
  }
  function when(iso) {
    if (!iso) return '';
    return new Date(iso).toLocaleString(O.lang === 'en' ? 'en-GB' : 'ja-JP',
      {year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'});
  }
  function value(id) { return $(id).value.trim(); }

  // ---- secrets shown once ----
  function reveal(id, label, secret) {
    var box = $(id);
    box.querySelector('span').textContent = label;
    box.querySelector('strong').textContent = secret;
    box.hidden = false;
  }
  function conceal(id) {
    var box = $(id);
    box.querySelector('strong').textContent = '';
    box.hidden = true;
  }

  // merchantChoice fills a merchant select, keeping its choice or taking
  // the merchant whose code the URL names; it resolves once filled.
  function merchantChoice(selectId, msgId, code) {
    return api('GET', '/ops/admin/merchants').then(function (a) {
      if (failed(msgId, a)) return false;
      var sel = $(selectId), was = sel.value;
      sel.textContent = '';
      a.data.forEach(function (m) {
        var o = el('option', '', m.code + ' ' + m.name);
        o.value = m.id;
        o.dataset.code = m.code;
        o.dataset.name = m.name;
        if (code && m.code === code.toUpperCase()) was = String(m.id);
        sel.appendChild(o);
      });
      if (!a.data.length) { show(msgId, 'warn', t('adm_no_merchants')); return false; }
      if (was && sel.querySelector('option[value="' + CSS.escape(was) + '"]')) sel.value = was;
      return true;
    });
  }
  function chosen(selectId) {
    var o = $(selectId).selectedOptions[0];
    return o ? {id: o.value, code: o.dataset.code, name: o.dataset.name} : null;
  }

  // ---- 荷主 ----
  function senderLine(s) {
    if (!s.postal_code) return '';
    return '〒' + s.postal_code.slice(0, 3) + '-' + s.postal_code.slice(3) + ' ' + s.prefecture + s.city + s.address1 +
      (s.address2 ? ' ' + s.address2 : '') + ' ' + s.name;
  }
  function loadMerchants(arg) {
    writable('merchants');
    $('adm-merchant-edit').hidden = true;
    return listMerchants(arg);
  }
  function listMerchants(code) {
    return api('GET', '/ops/admin/merchants').then(function (a) {
      if (failed('adm-merchant-msg', a)) return;
      var tb = $('adm-merchant-table').querySelector('tbody');
      tb.textContent = '';
      a.data.forEach(function (m) {
        var act = el('span'), line = senderLine(m.sender);
        if (isAdmin()) act.appendChild(button(t('adm_edit'), function () { editMerchant(m); }, t('adm_edit_merchant', {code: m.code})));
        var tr = row([{text: m.code, cls: 'code'}, {text: m.name}, {text: line || t('adm_sender_incomplete'), cls: line ? '' : 'alert'},
          {text: m.allow_partial ? t('adm_yes') : t('adm_no')}, {node: act}]);
        tr.dataset.code = m.code;
        tb.appendChild(tr);
        if (code && code.toUpperCase() === m.code && isAdmin()) editMerchant(m);
      });
      $('adm-merchant-table').hidden = !a.data.length;
      $('adm-no-merchants').hidden = a.data.length > 0;
    });
  }
  var editing = null;
  function editMerchant(m) {
    editing = m;
    var s = m.sender, form = $('adm-merchant-edit');
    clearFields(form);
    show('adm-me-msg', '', '');
    $('adm-merchant-edit-title').textContent = t('adm_edit_merchant', {code: m.code});
    $('adm-me-name').value = m.name;
    $('adm-me-postal').value = s.postal_code;
    $('adm-me-prefecture').value = s.prefecture;
    $('adm-me-city').value = s.city;
    $('adm-me-street').value = s.address1;
    $('adm-me-building').value = s.address2 || '';
    $('adm-me-sender-name').value = s.name || m.name;
    $('adm-me-phone').value = s.phone || '';
    $('adm-me-email').value = s.email || '';
    $('adm-me-slip').value = m.slip_message;
    $('adm-me-invoice').value = m.invoice_number;
    $('adm-me-partial').checked = m.allow_partial;
    $('adm-me-consolidate').checked = m.consolidate;
    $('adm-me-hold-days').value = m.hold_alert_days;
    $('adm-me-hold-free').checked = m.hold_auto_free;
    form.hidden = false;
    $('adm-me-name').focus();
  }
  function saveMerchant(e) {
    e.preventDefault();
    var m = editing, form = $('adm-merchant-edit'), days = $('adm-me-hold-days');
    if (!/^\d{1,3}$/.test(days.value.trim()) || +days.value > 365) {
      fieldWrong('adm-me-msg', form, days, t('adm_hold_days_bad'));
      return;
    }
    var body = {
      name: value('adm-me-name'),
      sender: {
        postal_code: value('adm-me-postal'), prefecture: value('adm-me-prefecture'), city: value('adm-me-city'),
        address1: value('adm-me-street'), address2: value('adm-me-building'), name: value('adm-me-sender-name'),
        phone: value('adm-me-phone'), email: value('adm-me-email')
      },
      slip_message: $('adm-me-slip').value, allow_partial: $('adm-me-partial').checked,
      consolidate: $('adm-me-consolidate').checked, invoice_number: value('adm-me-invoice'),
      hold_alert_days: +days.value, hold_auto_free: $('adm-me-hold-free').checked
    };
    show('adm-me-msg', '', t('working'));
    api('PUT', '/ops/admin/merchants/' + m.id, body).then(function (a) {
      if (refused('adm-me-msg', form, a)) return;
      form.hidden = true;
      show('adm-merchant-msg', 'ok', t('adm_merchant_saved', {code: a.data.code}));
      listMerchants();
    });
  }
  function addMerchant(e) {
    e.preventDefault();
    var form = $('adm-merchant-form');
    show('adm-merchant-msg', '', t('working'));
    api('POST', '/ops/admin/merchants', {code: value('adm-merchant-code'), name: value('adm-merchant-name')}).then(function (a) {
      if (refused('adm-merchant-msg', form, a)) return;
      form.reset();
      show('adm-merchant-msg', 'ok', t('adm_merchant_added', {code: a.data.code}));
      listMerchants(a.data.code);
    });
  }

  // ---- スタッフ ----
  var roles = ['picker', 'packer', 'shipper', 'supervisor', 'admin'];
  function roleName(r) { return t('adm_role_' + r); }
  function loadStaff() {
    writable('staff');
    conceal('adm-staff-secret');
    return listStaff();
  }
  function listStaff() {
    return api('GET', '/ops/admin/staff').then(function (a) {
      if (failed('adm-staff-msg', a)) return;
      var tb = $('adm-staff-table').querySelector('tbody'), admin = isAdmin(), self = C.session().badge;
      tb.textContent = '';
      a.data.forEach(function (s) {
        var you = s.badge_code === self, role = el('span'), act = el('span');
        if (admin && !you) {
          var sel = el('select');
          sel.setAttribute('aria-label', t('adm_role_of', {name: s.name}));
          roles.forEach(function (r) {
            var o = el('option', '', roleName(r));
            o.value = r;
            sel.appendChild(o);
          });
          sel.value = s.role;
          sel.className = 'adm-role';
          role.appendChild(sel);
          role.appendChild(button(t('adm_change_role'), function () { changeStaff(s, {role: sel.value}, 'adm_role_changed'); }));
        } else {
          role.textContent = roleName(s.role);
        }
        if (admin && !you) {
          if (s.active) {
            act.appendChild(button(t('adm_deactivate'), function (b) {
              O.twice(b, function () { show('adm-staff-msg', 'warn', t('adm_confirm_deact', {name: s.name})); },
                function () { changeStaff(s, {active: false}, 'adm_deactivated'); });
            }));
          } else {
            act.appendChild(button(t('adm_reactivate'), function () { changeStaff(s, {active: true}, 'adm_reactivated'); }));
          }
        }
        if (admin) {
          act.appendChild(button(t('adm_reset_pin'), function (b) {
            O.twice(b, function () { show('adm-staff-msg', 'warn', t('adm_confirm_reset', {name: s.name})); },
              function () { resetPIN(s); });
          }, t('adm_reset_pin') + ' ' + s.name));
        }
        var card = el('a', '', t('adm_badge_card'));
        card.href = '/ops/admin/staff-badges.pdf?staff_id=' + s.id;
        card.target = '_blank';
        card.setAttribute('aria-label', t('adm_badge_card') + ' ' + s.name);
        act.appendChild(card);
        var state = s.active ? el('span', '', t('adm_yes')) : el('span', 'tag warn', t('adm_inactive'));
        var tr = row([{text: s.badge_code, cls: 'code'}, {text: s.name + (you ? t('adm_you') : '')}, {node: role}, {node: state},
          {text: s.locked_until ? t('adm_locked') + ' ' + when(s.locked_until) : '', cls: s.locked_until ? 'alert' : ''}, {node: act}]);
        tr.dataset.badge = s.badge_code;
        if (!s.active) tr.classList.add('adm-inactive');
        tb.appendChild(tr);
      });
    });
  }
  function changeStaff(s, change, done) {
    var body = {name: s.name, role: s.role, active: s.active};
    Object.keys(change).forEach(function (k) { body[k] = change[k]; });
    show('adm-staff-msg', '', t('working'));
    api('PUT', '/ops/admin/staff/' + s.id, body).then(function (a) {
      if (failed('adm-staff-msg', a)) return;
      show('adm-staff-msg', 'ok', t(done, {name: a.data.name, role: roleName(a.data.role)}));
      listStaff();
    });
  }
  function resetPIN(s) {
    show('adm-staff-msg', '', t('working'));
    api('POST', '/ops/admin/staff/' + s.id + '/pin', {}).then(function (a) {
      if (failed('adm-staff-msg', a)) return;
      var st = a.data.staff;
      reveal('adm-staff-secret', t('adm_new_pin', {name: st.name, badge: st.badge_code}), a.data.pin);
      show('adm-staff-msg', 'ok', t('adm_pin_reset', {name: st.name}));
      listStaff();
    });
  }
  function addStaff(e) {
    e.preventDefault();
    var form = $('adm-staff-form'), pin = value('adm-staff-pin');
    var body = {badge_code: value('adm-staff-badge'), name: value('adm-staff-name'), role: $('adm-staff-role').value};
    if (pin) body.pin = pin;
    conceal('adm-staff-secret');
    show('adm-staff-msg', '', t('working'));
    api('POST', '/ops/admin/staff', body).then(function (a) {
      if (refused('adm-staff-msg', form, a)) return;
      var st = a.data.staff;
      form.reset();
      if (a.data.pin) reveal('adm-staff-secret', t('adm_new_pin', {name: st.name, badge: st.badge_code}), a.data.pin);
      show('adm-staff-msg', 'ok', t('adm_staff_added', {name: st.name, badge: st.badge_code}));
      listStaff();
    });
  }

  // ---- APIキー ----
  function keysPath(suffix) { return '/ops/admin/merchants/' + $('adm-key-merchant').value + '/api-keys' + (suffix || ''); }
  function loadKeys(arg) {
    conceal('adm-key-secret');
    show('adm-key-msg', '', '');
    if (!adminOnly('apikeys')) return;
    return merchantChoice('adm-key-merchant', 'adm-key-msg', arg).then(function (ok) { if (ok) listKeys(); });
  }
  function listKeys() {
    return api('GET', keysPath()).then(function (a) {
      if (failed('adm-key-msg', a)) return;
      var tb = $('adm-key-table').querySelector('tbody');
      tb.textContent = '';
      a.data.forEach(function (k) {
        var act = el('span');
        if (!k.revoked) {
          act.appendChild(button(t('adm_revoke'), function (b) {
            O.twice(b, function () { show('adm-key-msg', 'warn', t('adm_confirm_revoke', {prefix: k.prefix})); },
              function () { revokeKey(k); });
          }, t('adm_revoke') + ' ' + k.prefix));
        }
        var expires = k.expires_at ? when(k.expires_at) + (k.expired ? '（' + t('adm_expired') + '）' : '') : t('adm_no_expiry');
        var tr = row([{text: k.prefix + '…', cls: 'code'}, {text: k.name}, {text: k.scopes && k.scopes.length ? k.scopes.join(', ') : t('adm_scopes_all')},
          {text: when(k.created_at)}, {text: k.last_used_at ? when(k.last_used_at) : t('adm_never')},
          {text: expires, cls: k.expired ? 'alert' : ''}, {text: k.revoked ? when(k.revoked_at) : '', cls: k.revoked ? 'alert' : ''}, {node: act}]);
        tr.dataset.prefix = k.prefix;
        if (k.revoked) tr.classList.add('adm-inactive');
        tb.appendChild(tr);
      });
      $('adm-key-table').hidden = !a.data.length;
      $('adm-no-keys').hidden = a.data.length > 0;
    });
  }
  function createKey(e) {
    e.preventDefault();
    var form = $('adm-key-form'), m = chosen('adm-key-merchant');
    if (!m) return;
    conceal('adm-key-secret');
    show('adm-key-msg', '', t('working'));
    var body = {name: value('adm-key-name')}, scopes = [];
    $('adm-key-scopes').querySelectorAll('input:checked').forEach(function (c) { scopes.push(c.value); });
    if (scopes.length) body.scopes = scopes;
    // A day: the key stops at the start of that day in Japan.
    if (value('adm-key-expires')) body.expires_at = value('adm-key-expires') + 'T00:00:00+09:00';
    api('POST', keysPath(), body).then(function (a) {
      if (refused('adm-key-msg', form, a)) return;
      form.reset();
      reveal('adm-key-secret', t('adm_new_key'), a.data.secret);
      show('adm-key-msg', 'ok', t('adm_key_created', {merchant: m.name, prefix: a.data.prefix}));
      listKeys();
    });
  }
  function revokeKey(k) {
    api('POST', keysPath('/' + k.id + '/revoke')).then(function (a) {
      if (failed('adm-key-msg', a)) return;
      show('adm-key-msg', 'ok', t('adm_key_revoked', {prefix: a.data.prefix}));
      listKeys();
    });
  }

  // ---- Webhook ----
  var hook = null;
  function hookPath() { return '/ops/admin/merchants/' + $('adm-hook-merchant').value + '/webhook-endpoint'; }
  function loadHooks(arg) {
    conceal('adm-hook-secret');
    show('adm-hook-msg', '', '');
    if (!adminOnly('webhooks')) return;
    return merchantChoice('adm-hook-merchant', 'adm-hook-msg', arg).then(function (ok) { if (ok) getHook(); });
  }
  function getHook() {
    return api('GET', hookPath()).then(function (a) {
      if (failed('adm-hook-msg', a)) return;
      drawHook(a.data);
    });
  }
  function drawHook(h) {
    hook = h;
    var on = h.configured, events = h.event_types || [];
    $('adm-no-hook').hidden = on;
    $('adm-hook-now').hidden = !on;
    $('adm-hook-toggle').hidden = !on;
    $('adm-hook-rotate').hidden = !on;
    $('adm-hook-url-input').value = on ? h.url : '';
    $('adm-hook-enabled').checked = on ? h.enabled : true;
    var box = $('adm-hook-choices');
    box.textContent = '';
    h.event_choices.forEach(function (ev) {
      var label = el('label', 'check'), input = el('input');
      input.type = 'checkbox';
      input.value = ev;
      input.checked = events.indexOf(ev) >= 0;
      label.appendChild(input);
      label.appendChild(document.createTextNode(ev));
      box.appendChild(label);
    });
    if (!on) return;
    $('adm-hook-url').textContent = h.url;
    $('adm-hook-state').textContent = h.enabled ? t('adm_webhook_on') : t('adm_webhook_off');
    $('adm-hook-state').className = h.enabled ? '' : 'alert';
    $('adm-hook-events').textContent = events.length ? events.join(', ') : t('adm_all_events');
    $('adm-hook-prefix').textContent = h.secret_prefix + '…';
    $('adm-hook-updated').textContent = when(h.updated_at);
    $('adm-hook-toggle').textContent = h.enabled ? t('adm_turn_off') : t('adm_turn_on');
  }
  function putHook(body) {
    var m = chosen('adm-hook-merchant');
    conceal('adm-hook-secret');
    show('adm-hook-msg', '', t('working'));
    return api('PUT', hookPath(), body).then(function (a) {
      if (refused('adm-hook-msg', $('adm-hook-form'), a)) return;
      drawHook(a.data);
      if (a.data.secret) reveal('adm-hook-secret', t('adm_new_secret'), a.data.secret);
      show('adm-hook-msg', 'ok', t('adm_webhook_saved', {merchant: m.name}));
    });
  }
  function saveHook(e) {
    e.preventDefault();
    var events = [];
    $('adm-hook-choices').querySelectorAll('input:checked').forEach(function (i) { events.push(i.value); });
    putHook({url: value('adm-hook-url-input'), enabled: $('adm-hook-enabled').checked, event_types: events});
  }
  function toggleHook() {
    putHook({url: hook.url, enabled: !hook.enabled, event_types: hook.event_types});
  }
  function rotateHook(b) {
    O.twice(b, function () { show('adm-hook-msg', 'warn', t('adm_confirm_rotate')); },
      function () { putHook({url: hook.url, enabled: hook.enabled, event_types: hook.event_types, rotate_secret: true}); });
  }

  // ---- 箱 ----
  var box = null;
  var boxFields = [['inner_length_mm', 'adm-box-length'], ['inner_width_mm', 'adm-box-width'], ['inner_height_mm', 'adm-box-height'],
    ['max_weight_grams', 'adm-box-max'], ['tare_grams', 'adm-box-tare']];
  function loadBoxes() {
    writable('boxes');
    newBox();
    return listBoxes();
  }
  function listBoxes() {
    return api('GET', '/ops/admin/box-types').then(function (a) {
      if (failed('adm-box-msg', a)) return;
      var svc = $('adm-box-service'), was = svc.value, names = {};
      svc.textContent = '';
      var none = el('option', '', t('adm_no_service'));
      none.value = '';
      svc.appendChild(none);
      a.data.thin_services.forEach(function (s) {
        names[s.code] = s.name;
        var o = el('option', '', s.name);
        o.value = s.code;
        svc.appendChild(o);
      });
      svc.value = was;
      var tb = $('adm-box-table').querySelector('tbody');
      tb.textContent = '';
      a.data.data.forEach(function (b) {
        var act = el('span');
        if (isAdmin()) act.appendChild(button(t('adm_edit'), function () { editBox(b); }, t('adm_edit_box', {code: b.code})));
        var tr = row([{text: b.code, cls: 'code'}, {text: b.name},
          {text: b.inner_length_mm + '×' + b.inner_width_mm + '×' + b.inner_height_mm, cls: 'n'},
          {text: count(b.max_weight_grams), cls: 'n'}, {text: count(b.tare_grams), cls: 'n'},
          {text: b.size_class ? String(b.size_class) : t('adm_size_none'), cls: 'n'},
          {text: b.thin ? (names[b.service] || b.service) : (b.service || '')}, {node: act}]);
        tr.dataset.code = b.code;
        tb.appendChild(tr);
      });
      $('adm-box-table').hidden = !a.data.data.length;
      $('adm-no-boxes').hidden = a.data.data.length > 0;
    });
  }
  function newBox() {
    box = null;
    var form = $('adm-box-form');
    form.reset();
    clearFields(form);
    $('adm-box-code').disabled = false;
    $('adm-box-title').textContent = t('adm_new_box');
    $('adm-box-submit').textContent = t('adm_add_box');
    $('adm-box-cancel').hidden = true;
  }
  function editBox(b) {
    newBox();
    box = b;
    $('adm-box-code').value = b.code;
    $('adm-box-code').disabled = true;
    $('adm-box-name').value = b.name;
    boxFields.forEach(function (f) { $(f[1]).value = b[f[0]]; });
    $('adm-box-size').value = String(b.size_class);
    $('adm-box-thin').checked = b.thin;
    $('adm-box-service').value = b.service;
    $('adm-box-title').textContent = t('adm_edit_box', {code: b.code});
    $('adm-box-submit').textContent = t('adm_save_box');
    $('adm-box-cancel').hidden = false;
    $('adm-box-title').focus();
  }
  function saveBox(e) {
    e.preventDefault();
    var form = $('adm-box-form');
    var body = {name: value('adm-box-name'), size_class: Number($('adm-box-size').value), thin: $('adm-box-thin').checked, service: $('adm-box-service').value};
    for (var i = 0; i < boxFields.length; i++) {
      var v = value(boxFields[i][1]);
      if (!/^[0-9]+$/.test(v)) { fieldWrong('adm-box-msg', form, $(boxFields[i][1]), t('adm_whole_number')); return; }
      body[boxFields[i][0]] = Number(v);
    }
    var editing = box;
    if (!editing) body.code = value('adm-box-code');
    show('adm-box-msg', '', t('working'));
    api(editing ? 'PUT' : 'POST', '/ops/admin/box-types' + (editing ? '/' + editing.id : ''), body).then(function (a) {
      if (refused('adm-box-msg', form, a)) return;
      show('adm-box-msg', 'ok', t(editing ? 'adm_box_saved' : 'adm_box_added', {code: a.data.code}));
      newBox();
      listBoxes();
    });
  }

  // ---- ロケーション ----
  // zoneChoice is the zone shown: null until one is chosen, '' for all.
  var locations = [], zoneChoice = null;
  function loadLocations(zone) {
    writable('locations');
    return listLocations(zone);
  }
  function listLocations(zone) {
    return api('GET', '/ops/admin/locations').then(function (a) {
      if (failed('adm-loc-msg', a)) return;
      locations = a.data;
      var sel = $('adm-loc-zone'), zones = [];
      if (zone) zoneChoice = zone.toUpperCase();
      locations.forEach(function (l) { if (zones.indexOf(l.zone) < 0) zones.push(l.zone); });
      zones.sort();
      sel.textContent = '';
      zones.forEach(function (z) {
        var o = el('option', '', z);
        o.value = z;
        sel.appendChild(o);
      });
      var all = el('option', '', t('adm_all_zones'));
      all.value = '';
      sel.appendChild(all);
      if (zoneChoice === null || zoneChoice !== '' && zones.indexOf(zoneChoice) < 0) zoneChoice = zones[0] || '';
      sel.value = zoneChoice;
      drawLocations();
    });
  }
  function drawLocations() {
    var zone = $('adm-loc-zone').value, admin = isAdmin(), tb = $('adm-loc-table').querySelector('tbody'), n = 0;
    tb.textContent = '';
    locations.forEach(function (l) {
      if (zone && l.zone !== zone) return;
      n++;
      var walk = el('span'), input = null;
      if (admin) {
        input = el('input');
        input.type = 'number';
        input.min = '0';
        input.step = '1';
        input.value = l.walk_sequence;
        input.className = 'adm-walk';
        input.setAttribute('aria-label', t('adm_walk_of', {code: l.code}));
        input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); saveWalk(l, input); } });
        walk.appendChild(input);
      } else {
        walk.textContent = l.walk_sequence;
      }
      var act = el('span');
      if (admin) act.appendChild(button(t('adm_save'), function () { saveWalk(l, input); }, t('adm_walk_of', {code: l.code})));
      var tr = row([{text: l.code, cls: 'code'}, {text: l.zone}, {text: t('adm_kind_' + l.kind)}, {node: walk}, {node: act}]);
      tr.dataset.code = l.code;
      tb.appendChild(tr);
    });
    $('adm-loc-table').hidden = !n;
    $('adm-no-locations').hidden = n > 0;
    var link = $('adm-loc-labels');
    link.hidden = !zone || !n;
    link.href = '/ops/location-labels.pdf?zone=' + encodeURIComponent(zone);
    link.textContent = t('adm_labels', {zone: zone});
  }
  function saveWalk(l, input) {
    var v = input.value.trim();
    if (!/^[0-9]+$/.test(v)) { show('adm-loc-msg', 'error', t('adm_whole_number')); input.focus(); return; }
    api('PUT', '/ops/admin/locations/' + l.id + '/walk-sequence', {walk_sequence: Number(v)}).then(function (a) {
      if (failed('adm-loc-msg', a)) return;
      show('adm-loc-msg', 'ok', t('adm_walk_saved', {code: a.data.code, n: a.data.walk_sequence}));
      listLocations();
    });
  }
  function addLocation(e) {
    e.preventDefault();
    var form = $('adm-loc-form'), walk = value('adm-loc-walk');
    if (!/^[0-9]+$/.test(walk)) { fieldWrong('adm-loc-msg', form, $('adm-loc-walk'), t('adm_whole_number')); return; }
    var body = {code: value('adm-loc-code'), zone: value('adm-loc-newzone'), kind: $('adm-loc-kind').value, walk_sequence: Number(walk)};
    show('adm-loc-msg', '', t('working'));
    api('POST', '/ops/admin/locations', body).then(function (a) {
      if (refused('adm-loc-msg', form, a)) return;
      $('adm-loc-code').value = '';
      $('adm-loc-walk').value = '';
      show('adm-loc-msg', 'ok', t('adm_location_added', {code: a.data.code}));
      listLocations(a.data.zone);
    });
  }

  // ---- 配送業者契約 ----
  // The carriers with contract fields, as the server describes them, and
  // the merchants by id, for the table and the form.
  var caCarriers = [], caMerchants = {};
  function loadCarrierAccounts() {
    if (!adminOnly('carriers')) return Promise.resolve();
    return api('GET', '/ops/admin/merchants').then(function (m) {
      if (failed('adm-ca-msg', m)) return;
      var sel = $('adm-ca-merchant'), was = sel.value;
      sel.textContent = '';
      var all = el('option', '', t('adm_whole_warehouse'));
      all.value = '';
      sel.appendChild(all);
      caMerchants = {};
      m.data.forEach(function (x) {
        caMerchants[x.id] = x.name;
        var o = el('option', '', x.code + ' ' + x.name);
        o.value = x.id;
        sel.appendChild(o);
      });
      sel.value = was;
      return listCarrierAccounts();
    });
  }
  var caAccounts = [];
  function listCarrierAccounts() {
    return api('GET', '/ops/admin/carrier-accounts').then(function (a) {
      if (failed('adm-ca-msg', a)) return;
      caCarriers = a.data.carriers;
      caAccounts = a.data.data;
      var sel = $('adm-ca-carrier'), was = sel.value;
      sel.textContent = '';
      caCarriers.forEach(function (c) {
        var o = el('option', '', c.name);
        o.value = c.carrier;
        sel.appendChild(o);
      });
      if (was) sel.value = was;
      drawAccountFields();
      var tb = $('adm-ca-table').querySelector('tbody');
      tb.textContent = '';
      caAccounts.forEach(function (acc) {
        var c = carrierOf(acc.carrier), whose = acc.merchant_id ? acc.merchant_name : t('adm_whole_warehouse');
        var act = el('span');
        act.appendChild(button(t('adm_edit'), function () { editAccount(acc); }, t('adm_edit') + ' ' + c.name + ' ' + whose));
        act.appendChild(button(t('adm_remove'), function (b) {
          O.twice(b, function () { show('adm-ca-msg', 'warn', t('adm_confirm_remove')); }, function () { removeAccount(acc, c, whose); });
        }, t('adm_remove') + ' ' + c.name + ' ' + whose));
        var tr = row([{text: c.name}, {text: whose}, {text: contractText(c, acc)}, {text: when(acc.updated_at)}, {node: act}]);
        tr.dataset.carrier = acc.carrier;
        tr.dataset.merchant = acc.merchant_id || '';
        tb.appendChild(tr);
      });
      $('adm-ca-table').hidden = !caAccounts.length;
      $('adm-no-accounts').hidden = caAccounts.length > 0;
    });
  }
  function carrierOf(code) {
    return caCarriers.filter(function (c) { return c.carrier === code; })[0] || {carrier: code, name: code, fields: []};
  }
  function contractText(c, acc) {
    return c.fields.map(function (f) {
      return f.name + ' ' + (f.option ? t(acc[f.key] ? 'adm_option_on' : 'adm_option_off') : (acc[f.key] || '—'));
    }).join(' ／ ');
  }
  // drawAccountFields shows the chosen carrier's fields, filled from its
  // saved contract for the chosen merchant when there is one.
  function drawAccountFields() {
    var c = carrierOf($('adm-ca-carrier').value), merchant = $('adm-ca-merchant').value;
    var saved = caAccounts.filter(function (a) { return a.carrier === c.carrier && String(a.merchant_id || '') === merchant; })[0] || {};
    var box = $('adm-ca-fields');
    clearFields($('adm-ca-form'));
    box.textContent = '';
    c.fields.forEach(function (f) {
      var label = el('label', f.option ? 'check' : ''), input = el('input');
      input.id = 'adm-ca-' + f.key;
      input.dataset.field = f.key;
      if (f.option) {
        input.type = 'checkbox';
        input.checked = !!saved[f.key];
        label.appendChild(input);
        label.appendChild(document.createTextNode(f.name));
      } else {
        label.appendChild(document.createTextNode(f.name + (f.required ? '' : '（' + t('optional') + '）')));
        input.value = saved[f.key] || '';
        input.placeholder = f.format;
        input.autocomplete = 'off';
        input.spellcheck = false;
        input.inputMode = /digit|桁/.test(f.format) ? 'numeric' : 'text';
        label.appendChild(input);
      }
      box.appendChild(label);
    });
  }
  function editAccount(acc) {
    $('adm-ca-carrier').value = acc.carrier;
    $('adm-ca-merchant').value = acc.merchant_id ? String(acc.merchant_id) : '';
    drawAccountFields();
    var first = $('adm-ca-fields').querySelector('input');
    if (first) first.focus();
  }
  function whoseName(merchantId) { return merchantId ? caMerchants[merchantId] : t('adm_whole_warehouse'); }
  function saveAccount(e) {
    e.preventDefault();
    var form = $('adm-ca-form'), c = carrierOf($('adm-ca-carrier').value), merchant = $('adm-ca-merchant').value, body = {};
    if (merchant) body.merchant_id = Number(merchant);
    c.fields.forEach(function (f) {
      var input = $('adm-ca-' + f.key);
      body[f.key] = f.option ? input.checked : input.value.trim();
    });
    show('adm-ca-msg', '', t('working'));
    api('PUT', '/ops/admin/carrier-accounts/' + encodeURIComponent(c.carrier), body).then(function (a) {
      if (refused('adm-ca-msg', form, a)) return;
      show('adm-ca-msg', 'ok', t('adm_account_saved', {carrier: c.name, whose: whoseName(a.data.merchant_id)}));
      listCarrierAccounts();
    });
  }
  function removeAccount(acc, c, whose) {
    var q = acc.merchant_id ? '?merchant_id=' + acc.merchant_id : '';
    api('DELETE', '/ops/admin/carrier-accounts/' + encodeURIComponent(acc.carrier) + q).then(function (a) {
      if (failed('adm-ca-msg', a)) return;
      show('adm-ca-msg', 'ok', t('adm_account_removed', {carrier: c.name, whose: whose}));
      listCarrierAccounts();
    });
  }

  C.register('merchants', loadMerchants);
  C.register('staff', loadStaff);
  C.register('apikeys', loadKeys);
  C.register('webhooks', loadHooks);
  C.register('boxes', loadBoxes);
  C.register('locations', loadLocations);
  C.register('carriers', loadCarrierAccounts);
  $('adm-ca-form').addEventListener('submit', saveAccount);
  $('adm-ca-carrier').addEventListener('change', drawAccountFields);
  $('adm-ca-merchant').addEventListener('change', drawAccountFields);

  $('adm-merchant-form').addEventListener('submit', addMerchant);
  $('adm-merchant-edit').addEventListener('submit', saveMerchant);
  $('adm-me-cancel').addEventListener('click', function () { $('adm-merchant-edit').hidden = true; });
  $('adm-staff-form').addEventListener('submit', addStaff);
  $('adm-key-pick').addEventListener('submit', function (e) { e.preventDefault(); });
  $('adm-key-merchant').addEventListener('change', function () { conceal('adm-key-secret'); show('adm-key-msg', '', ''); listKeys(); });
  $('adm-key-form').addEventListener('submit', createKey);
  $('adm-hook-pick').addEventListener('submit', function (e) { e.preventDefault(); });
  $('adm-hook-merchant').addEventListener('change', function () { conceal('adm-hook-secret'); show('adm-hook-msg', '', ''); getHook(); });
  $('adm-hook-form').addEventListener('submit', saveHook);
  $('adm-hook-toggle').addEventListener('click', toggleHook);
  $('adm-hook-rotate').addEventListener('click', function () { rotateHook($('adm-hook-rotate')); });
  $('adm-box-form').addEventListener('submit', saveBox);
  $('adm-box-cancel').addEventListener('click', newBox);
  $('adm-loc-filter').addEventListener('submit', function (e) { e.preventDefault(); });
  $('adm-loc-zone').addEventListener('change', function () { zoneChoice = $('adm-loc-zone').value; drawLocations(); });
  $('adm-loc-form').addEventListener('submit', addLocation);
  new MutationObserver(navForRole).observe($('v-console'), {attributes: true, attributeFilter: ['hidden']});
})();
