/* soko merchant portal: the account view (#account), where a user turns
 * two-step sign-in on (QR code, key as text, a code to confirm, recovery
 * codes shown once) or off again with a code, and the sign-in's second step, asked for when the
 * password was right for a user with two-step sign-in (portal.js sends
 * the portal:second-factor event with the challenge). */
(function () {
  'use strict';
  var P = window.SokoPortal;
  var api = P.api, t = P.t, say = P.say, failed = P.failed;
  var $ = function (id) { return document.getElementById(id); };
  var challenge = '';

  // --- the sign-in's second step ------------------------------------------
  document.addEventListener('portal:second-factor', function (ev) {
    challenge = ev.detail.challenge;
    $('signin').hidden = true;
    $('totp-step').hidden = false;
    $('totp-step').code.value = '';
    $('totp-step').code.focus();
  });
  function backToPassword() {
    challenge = '';
    $('totp-step').hidden = true;
    $('signin').hidden = false;
  }
  $('totp-back').addEventListener('click', function (ev) { ev.preventDefault(); say('', ''); backToPassword(); });
  $('totp-step').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target, code = f.code.value.trim();
    api('POST', '/portal/session/totp', {challenge: challenge, code: code}).then(function (a) {
      f.code.value = '';
      if (!a.ok) return failed(a);
      backToPassword();
      say(code.length > 6 ? 'error' : '', code.length > 6 ? t('recovery_used') : '');
      P.signedIn(a.data);
    });
  });

  // --- the account view -----------------------------------------------------
  function loadAccount() {
    var me = P.me();
    $('acct-who').textContent = me.merchant_name + ' · ' + me.email + ' · ' + t('role_' + me.role);
    var st = $('acct-totp-state');
    st.textContent = t('totp') + ': ' + t(me.totp_enabled ? 'totp_on' : 'totp_off');
    st.className = 'status ' + (me.totp_enabled ? 's_shipped' : 's_on_hold');
    $('totp-start').hidden = me.totp_enabled;
    $('totp-lost').hidden = !me.totp_enabled;
    $('totp-off').hidden = !me.totp_enabled;
    $('totp-setup').hidden = true;
    if (!$('totp-codes').hidden && !me.totp_enabled) $('totp-codes').hidden = true;
  }
  $('totp-start').addEventListener('click', function () {
    api('POST', '/portal/totp').then(function (a) {
      if (!a.ok) return failed(a);
      $('totp-qr').src = 'data:image/png;base64,' + a.data.qr_png;
      $('totp-secret').textContent = a.data.secret.replace(/(.{4})/g, '$1 ').trim();
      $('totp-start').hidden = true;
      $('totp-setup').hidden = false;
      $('totp-confirm').code.focus();
    });
  });
  $('totp-confirm').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    api('POST', '/portal/totp/confirm', {code: f.code.value.trim()}).then(function (a) {
      f.code.value = '';
      if (!a.ok) return failed(a);
      P.me().totp_enabled = true;
      var ol = $('totp-code-list');
      ol.textContent = '';
      a.data.recovery_codes.forEach(function (c) { ol.appendChild(P.el('li', c)); });
      $('totp-codes').hidden = false;
      say('ok', t('totp_enabled'));
      loadAccount();
    });
  });
  $('totp-off').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    api('POST', '/portal/totp/disable', {code: f.code.value.trim()}).then(function (a) {
      f.code.value = '';
      if (!a.ok) return failed(a);
      P.me().totp_enabled = false;
      say('ok', t('totp_disabled'));
      loadAccount();
    });
  });
  // Recovery codes are shown once: leaving the view forgets them.
  window.addEventListener('hashchange', function () {
    $('totp-code-list').textContent = '';
    $('totp-codes').hidden = true;
  });
  P.register('account', loadAccount);
})();
