/* soko console: kitting (セット組み) — supervisors ask for kits of a set
 * product to be assembled on the handheld ahead of its orders, see the
 * tasks not done yet (and those done or cancelled from this page since it
 * opened) and cancel an open one. */
(function () {
  'use strict';
  var C = SokoConsole, O = SokoOps, t = C.t, el = C.el, row = C.row, count = C.count;
  function $(id) { return document.getElementById(id); }
  // recent keeps the tasks this page saw leave the open list, newest first.
  var recent = [];

  function when(iso) {
    return new Date(iso).toLocaleString(O.lang === 'en' ? 'en-GB' : 'ja-JP',
      {year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'});
  }
  function cancelButton(k) {
    var b = el('button', '', t('kit_cancel'));
    b.type = 'button';
    b.setAttribute('aria-label', t('kit_cancel_label', {id: k.id}));
    b.onclick = function () {
      b.disabled = true;
      C.api('POST', '/ops/kitting-tasks/' + k.id + '/cancel').then(function (a) {
        if (C.failed('kit-msg', a)) { b.disabled = false; return; }
        k.status = 'cancelled';
        recent.unshift(k);
        C.show('kit-msg', 'ok', t('kit_cancelled', {id: k.id, sku: k.sku}));
        loadTasks();
      });
    };
    return b;
  }
  function draw(open) {
    var tb = $('kit-table').querySelector('tbody');
    tb.textContent = '';
    var shown = {};
    open.forEach(function (k) { shown[k.id] = true; });
    open.concat(recent.filter(function (k) { return !shown[k.id]; })).forEach(function (k) {
      var tr = row([{text: String(k.id)}, {text: k.merchant_code}, {text: k.sku, cls: 'code'}, {text: k.name}, {text: count(k.quantity), cls: 'n'},
        {text: k.location}, {text: t('kit_st_' + k.status)}, {text: when(k.created_at)}, {node: k.status === 'open' ? cancelButton(k) : null}]);
      tr.dataset.id = k.id;
      tr.dataset.status = k.status;
      tb.appendChild(tr);
    });
    $('kit-none').hidden = tb.children.length > 0;
  }
  function loadTasks() {
    return C.api('GET', '/ops/kitting-tasks').then(function (a) {
      if (C.failed('kit-msg', a)) return;
      draw(a.data);
    });
  }
  function load() {
    C.merchants('kit-merchant', 'kit-msg');
    loadTasks();
  }
  function create(e) {
    e.preventDefault();
    var form = $('kit-form'), qty = $('kit-quantity').value.trim();
    C.clearFields(form);
    if (!$('kit-merchant').value) { C.fieldWrong('kit-msg', form, $('kit-merchant'), t('kit_need_merchant')); return; }
    if (!$('kit-sku').value.trim()) { C.fieldWrong('kit-msg', form, $('kit-sku'), t('kit_need_sku')); return; }
    if (!/^[0-9]+$/.test(qty) || +qty < 1 || +qty > 10000) { C.fieldWrong('kit-msg', form, $('kit-quantity'), t('kit_bad_quantity')); return; }
    if (!$('kit-location').value.trim()) { C.fieldWrong('kit-msg', form, $('kit-location'), t('kit_need_location')); return; }
    var body = {merchant_id: +$('kit-merchant').value, sku: $('kit-sku').value.trim(), quantity: +qty,
      location: $('kit-location').value.trim()};
    C.show('kit-msg', '', t('working'));
    C.api('POST', '/ops/kitting-tasks', body).then(function (a) {
      if (C.refused('kit-msg', form, a)) return;
      C.show('kit-msg', 'ok', t('kit_created_msg', {id: a.data.id, sku: a.data.sku, n: count(a.data.quantity)}));
      $('kit-sku').value = '';
      $('kit-quantity').value = '';
      $('kit-location').value = '';
      loadTasks();
    });
  }

  $('kit-form').addEventListener('submit', create);
  C.register('kitting', load);
})();
