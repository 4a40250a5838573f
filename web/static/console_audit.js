/* soko console: the audit log (監査ログ, see console_audit.html), for
 * admins. The filter lives in the URL (#audit?actor=A001&action=staff.), so
 * a filtered view can be reloaded and shared; the table shows the newest
 * entries first, and "older entries" appends the next page. Each entry's
 * change lists the values that differ between before and after. */
(function () {
  'use strict';
  var C = window.SokoConsole, O = window.SokoOps;
  var api = C.api, t = C.t, el = C.el, row = C.row, show = C.show, failed = C.failed;
  function $(id) { return document.getElementById(id); }
  var fields = ['actor', 'action', 'target_type', 'target_id', 'from', 'to'];
  var inputs = {actor: 'aud-actor', action: 'aud-action', target_type: 'aud-target-type', target_id: 'aud-target-id', from: 'aud-from', to: 'aud-to'};
  var query = '', cursor = null, paging = C.latest();

  // The actions are the words named aud_act_<action>, in the words' order.
  var words = JSON.parse($('words').textContent);
  Object.keys(words).forEach(function (k) {
    if (k.indexOf('aud_act_') !== 0) return;
    var o = el('option', '', words[k]);
    o.value = k.slice(8);
    $('aud-action').appendChild(o);
  });

  // Times are Japan's, as the filter's days are.
  function when(iso) {
    return new Date(iso).toLocaleString(O.lang === 'en' ? 'en-GB' : 'ja-JP',
      {timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'});
  }
  function who(e) {
    if (e.actor_kind === 'cli') return t('aud_cli');
    if (e.actor_kind === 'system') return t('aud_system');
    if (e.actor_kind === 'api_key') return t('aud_api_key', {id: e.actor.slice(4)});
    return e.actor;
  }
  function where(e) {
    var device = e.device || (e.actor_kind === 'staff' ? t('aud_console') : '');
    return [device, e.address].filter(Boolean).join(' / ');
  }
  function actionName(a) { return words['aud_act_' + a] ? t('aud_act_' + a) : a; }
  function target(e) {
    var name = (e.after || e.before || {}), label = name.badge || name.number || name.prefix || name.code || '';
    var type = words['aud_t_' + e.target_type] ? t('aud_t_' + e.target_type) : e.target_type;
    return type + ' #' + e.target_id + (label ? ' ' + label : '');
  }
  function text(v) { return v === undefined ? '' : (typeof v === 'object' ? JSON.stringify(v) : String(v)); }
  // change lists each value that differs: "key: before → after".
  function change(e) {
    var before = e.before || {}, after = e.after || {}, list = el('ul', 'aud-change');
    var keys = Object.keys(before);
    Object.keys(after).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    keys.forEach(function (k) {
      var b = text(before[k]), a = text(after[k]);
      if (b === a) return;
      list.appendChild(el('li', '', k + ': ' + (e.before ? (b || '—') + ' → ' : '') + (a || '—')));
    });
    return list;
  }

  // filterFromURL fills the form from the fragment's query and returns it.
  function filterFromURL(arg) {
    var p = new URLSearchParams(arg || '');
    fields.forEach(function (f) { $(inputs[f]).value = p.get(f) || ''; });
    var q = new URLSearchParams();
    fields.forEach(function (f) { if (p.get(f)) q.set(f, p.get(f)); });
    return q.toString();
  }
  function load(arg) {
    var admin = !!C.session() && C.session().menus.indexOf('admin') >= 0;
    $('audit').querySelector('.adm-denied').hidden = admin;
    $('audit').querySelector('.adm-body').hidden = !admin;
    if (!admin) return;
    query = filterFromURL(arg);
    cursor = null;
    $('aud-table').querySelector('tbody').textContent = '';
    return page();
  }
  function page() {
    var q = new URLSearchParams(query);
    if (cursor) q.set('cursor', cursor);
    show('aud-msg', '', t('working'));
    var newest = paging();
    return api('GET', '/ops/admin/audit-log' + (q.toString() ? '?' + q.toString() : '')).then(function (a) {
      if (!newest()) return;
      if (failed('aud-msg', a)) {
        $('aud-table').hidden = true;
        $('aud-none').hidden = true;
        $('aud-older').hidden = true;
        return;
      }
      show('aud-msg', '', '');
      var tb = $('aud-table').querySelector('tbody');
      a.data.data.forEach(function (e) {
        var tr = row([{text: when(e.at)}, {text: who(e), cls: 'code'}, {text: where(e)}, {text: actionName(e.action)},
          {text: target(e)}, {node: change(e)}]);
        tr.dataset.id = e.id;
        tr.dataset.action = e.action;
        tr.dataset.actor = e.actor;
        tb.appendChild(tr);
      });
      cursor = a.data.next_cursor;
      $('aud-table').hidden = !tb.children.length;
      $('aud-none').hidden = tb.children.length > 0;
      $('aud-older').hidden = !cursor;
    });
  }
  function filter(e) {
    e.preventDefault();
    var id = $('aud-target-id').value.trim();
    if (id && !/^[1-9][0-9]*$/.test(id)) {
      show('aud-msg', 'error', t('aud_bad_target'));
      $('aud-target-id').focus();
      return;
    }
    var from = $('aud-from').value, to = $('aud-to').value;
    if (from && to && to < from) {
      show('aud-msg', 'error', t('aud_bad_dates'));
      $('aud-to').focus();
      return;
    }
    var q = new URLSearchParams();
    fields.forEach(function (f) { var v = $(inputs[f]).value.trim(); if (v) q.set(f, v); });
    var hash = '#audit' + (q.toString() ? '?' + q.toString() : '');
    if (location.hash === hash) C.refresh();
    else location.hash = hash;
  }

  $('aud-filter').addEventListener('submit', filter);
  $('aud-older').addEventListener('click', page);
  C.register('audit', load);
})();
