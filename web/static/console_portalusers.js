/* soko console: a merchant's portal users (荷主ポータルのユーザー), for
 * admins. Pick a merchant to list its portal users with their state and
 * two-step sign-in; invite one (a merchant's first owner, who then invites
 * the rest from the portal) by an emailed link; lock a user out or let
 * them in again; reset the two-step sign-in of a user who lost their
 * phone. The URL keeps the merchant: #portalusers?merchant=1. */
(function () {
  'use strict';
  var C = window.SokoConsole;
  var api = C.api, t = C.t, el = C.el, row = C.row, show = C.show, failed = C.failed;
  function $(id) { return document.getElementById(id); }
  var merchant = '';

  function base() { return '/ops/admin/merchants/' + encodeURIComponent(merchant) + '/portal-users'; }

  function load(arg) {
    var s = C.session(), admin = !!s && s.menus.indexOf('admin') >= 0;
    $('portalusers').querySelector('.adm-denied').hidden = admin;
    $('portalusers').querySelector('.adm-body').hidden = !admin;
    if (!admin) return;
    merchant = new URLSearchParams(arg || '').get('merchant') || '';
    return api('GET', '/ops/admin/merchants').then(function (a) {
      if (failed('pu-msg', a)) return;
      var sel = $('pu-merchant');
      sel.textContent = '';
      a.data.forEach(function (m) {
        var o = el('option', '', m.code + ' ' + m.name);
        o.value = String(m.id);
        o.selected = String(m.id) === merchant;
        sel.appendChild(o);
      });
      if (!a.data.length) { show('pu-msg', 'warn', t('no_merchants')); return; }
      if (!merchant) merchant = sel.value;
      return loadUsers();
    });
  }

  function button(text, onClick) {
    var b = el('button', '', text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function loadUsers() {
    return api('GET', base()).then(function (a) {
      if (failed('pu-msg', a)) return;
      var body = $('pu-table').querySelector('tbody');
      body.textContent = '';
      a.data.data.forEach(function (u) {
        var state = !u.active ? t('pu_locked') : !u.password_set ? t('pu_invited') : u.locked_until ? t('pu_waiting') : t('pu_active');
        var actions = el('span', 'buttons');
        actions.appendChild(button(u.active ? t('pu_lock') : t('pu_unlock'), function () { setActive(u, !u.active); }));
        if (u.totp_enabled) actions.appendChild(button(t('pu_reset_totp'), function () { resetTOTP(u); }));
        var tr = row([{text: u.email}, {text: u.name}, {text: t('pu_' + u.role)}, {text: state}, {text: t(u.totp_enabled ? 'pu_totp_on' : 'pu_totp_off')}, {node: actions}]);
        tr.dataset.email = u.email;
        body.appendChild(tr);
      });
      $('pu-none').hidden = a.data.data.length > 0;
    });
  }

  function setActive(u, active) {
    api('PATCH', base() + '/' + u.id, {active: active}).then(function (a) {
      if (failed('pu-msg', a)) return;
      loadUsers().then(function () { show('pu-msg', 'ok', t(active ? 'pu_unlocked' : 'pu_locked_ok', {email: u.email})); });
    });
  }
  function resetTOTP(u) {
    if (!window.confirm(t('pu_reset_confirm', {email: u.email}))) return;
    api('POST', base() + '/' + u.id + '/totp-reset').then(function (a) {
      if (failed('pu-msg', a)) return;
      loadUsers().then(function () { show('pu-msg', 'ok', t('pu_reset_ok', {email: u.email})); });
    });
  }
  function invite(e) {
    e.preventDefault();
    var body = {email: $('pu-email').value.trim(), role: $('pu-role').value};
    var name = $('pu-name').value.trim();
    if (name) body.name = name;
    show('pu-msg', '', t('working'));
    api('POST', base(), body).then(function (a) {
      if (failed('pu-msg', a)) return;
      $('pu-email').value = '';
      $('pu-name').value = '';
      loadUsers().then(function () { show('pu-msg', 'ok', t('pu_invited_ok', {email: a.data.email})); });
    });
  }

  $('pu-merchant').addEventListener('change', function () { location.hash = '#portalusers?merchant=' + encodeURIComponent(this.value); });
  $('pu-invite').addEventListener('submit', invite);
  C.register('portalusers', load);
})();
