/* soko console: the orders section (see console_orders.html). #orders
 * finds orders (#orders?status=short&merchant=1&q=SO-1 fills in the search
 * and runs it); #order/<id> shows one order with its stock, parcels,
 * documents and history, and the actions its status allows. Times are
 * shown in Japan's time, whatever the desk's clock says. */
(function () {
  'use strict';
  var C = window.SokoConsole, O = window.SokoOps;
  var t = C.t, el = C.el, api = C.api, row = C.row, show = C.show, failed = C.failed, count = C.count;
  function $(id) { return document.getElementById(id); }
  var lang = document.documentElement.lang;
  var clock = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ja-JP', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false
  });
  function when(iso) { return iso ? clock.format(new Date(iso)) : ''; }
  function status(s) { return t('ord_st_' + s); }
  function yen(n) { return t('ord_yen', {n: count(n)}); }
  function tag(s) { return el('span', 'tag st-' + s, status(s)); }

  // ---- 注文一覧 ----
  // The search form's fields by their name in the URL, and the API's name for each.
  var fields = [
    ['q', 'ord-q', 'number'], ['merchant', 'ord-merchant', 'merchant_id'], ['customer', 'ord-customer', 'customer'],
    ['tracking', 'ord-tracking', 'tracking'], ['status', 'ord-status', 'status'], ['from', 'ord-from', 'created_from'], ['to', 'ord-to', 'created_to']
  ];
  var merchants = null, cursor = null, searching = C.latest();
  function loadMerchants() {
    if (!merchants) {
      merchants = api('GET', '/ops/merchants').then(function (a) {
        if (failed('ord-msg', a)) { merchants = null; return; }
        var sel = $('ord-merchant');
        a.data.forEach(function (m) {
          var o = el('option', '', m.code + ' ' + m.name);
          o.value = m.id;
          sel.appendChild(o);
        });
      });
    }
    return merchants;
  }
  // loadOrders shows the search the URL holds, read from the URL itself:
  // values may hold & or = once decoded.
  function loadOrders() {
    var q = new URLSearchParams(location.hash.split('?').slice(1).join('?'));
    return loadMerchants().then(function () {
      fields.forEach(function (f) { $(f[1]).value = q.get(f[0]) || ''; });
      search(false);
    });
  }
  function fragment() {
    var q = new URLSearchParams();
    fields.forEach(function (f) {
      var v = $(f[1]).value.trim();
      if (v) q.set(f[0], v);
    });
    return q.toString();
  }
  function submit(e) {
    e.preventDefault();
    if ($('ord-from').value && $('ord-to').value && $('ord-from').value > $('ord-to').value) {
      show('ord-msg', 'error', t('ord_bad_range'));
      $('ord-to').focus();
      return;
    }
    var hash = '#orders' + (fragment() ? '?' + fragment() : '');
    if (location.hash === hash) search(false);
    else location.hash = hash; // the route runs the search, and Back returns to it
  }
  function search(more) {
    var q = new URLSearchParams();
    fields.forEach(function (f) {
      var v = $(f[1]).value.trim();
      if (v) q.set(f[2], v);
    });
    q.set('limit', '50');
    if (more && cursor) q.set('cursor', cursor);
    if (!more) {
      // A new search: the last one's next page is not this one's.
      cursor = null;
      $('ord-more').hidden = true;
    }
    show('ord-msg', '', t('working'));
    var newest = searching();
    return api('GET', '/ops/orders?' + q.toString()).then(function (a) {
      if (!newest() || failed('ord-msg', a)) return;
      var tb = $('ord-table').querySelector('tbody');
      if (!more) tb.textContent = '';
      a.data.data.forEach(function (o) {
        var link = el('a', '', o.order_no);
        link.href = '#order/' + o.id;
        var st = tag(o.status);
        if (o.held_from) st.title = t('ord_held_from', {status: status(o.held_from)});
        var tr = row([{node: link}, {text: o.merchant_code + ' ' + o.merchant_name}, {node: st}, {text: o.recipient_name},
          {text: o.prefecture}, {text: o.carrier_name}, {text: count(o.units), cls: 'n'}, {text: when(o.created_at)}]);
        tr.dataset.order = o.order_no;
        tb.appendChild(tr);
      });
      cursor = a.data.next_cursor;
      $('ord-more').hidden = !cursor;
      $('ord-table').hidden = !tb.children.length;
      $('ord-none').hidden = !!tb.children.length;
      show('ord-msg', '', tb.children.length ? t('ord_shown', {n: count(tb.children.length)}) : '');
    });
  }

  // ---- 注文 ----
  var shown = null; // the order on the page
  var opening = C.latest();
  var confirmFirst = {cancel: true, put_back: true, split: true};
  function loadOrder(arg) {
    var id = parseInt(arg, 10);
    var newest = opening(); // an earlier order's answer, late, is not drawn over this one
    $('order-new').hidden = true;
    show('order-msg', '', '');
    if (!(id > 0)) { $('order-body').hidden = true; show('order-msg', 'error', t('ord_none')); return; }
    return api('GET', '/ops/orders/' + id).then(function (a) {
      if (!newest()) return;
      if (failed('order-msg', a)) { $('order-body').hidden = true; return; }
      render(a.data);
    });
  }
  function fact(dl, term, value) {
    dl.appendChild(el('dt', '', term));
    dl.appendChild(el('dd', '', value));
  }
  function fill(id, items, cells) {
    var tb = $(id).querySelector('tbody');
    tb.textContent = '';
    items.forEach(function (x) { tb.appendChild(row(cells(x))); });
    return tb;
  }
  function render(o) {
    shown = o;
    $('order-title').textContent = t('ord_title', {number: o.order_no});
    var st = $('order-status');
    st.className = 'tag st-' + o.status;
    st.textContent = status(o.status) + (o.held_from ? t('ord_held_from', {status: status(o.held_from)}) : '');

    var dl = $('order-head');
    dl.textContent = '';
    fact(dl, t('ord_merchant'), o.merchant.code + ' ' + o.merchant.name);
    if (o.hold) fact(dl, t('ord_hold'), t('ord_hold_' + o.hold.reason) + (o.hold.note ? ' — ' + o.hold.note : ''));
    fact(dl, t('ord_shipping'), [o.carrier_name, o.service_name].filter(Boolean).join(' '));
    fact(dl, t('ord_delivery'), [o.delivery_date, o.time_slot].filter(Boolean).join(' ') || t('ord_none_asked'));
    if (o.ship_date) fact(dl, t('ord_ship_date'), o.ship_date);
    fact(dl, t('ord_cod'), o.cod_amount ? yen(o.cod_amount) : t('ord_no'));
    var gift = [];
    if (o.gift.wrap) gift.push(t('ord_gift_wrap') + (o.gift.wrapping ? '（' + t('ord_wrapping_' + o.gift.wrapping) + '）' : ''));
    if (o.gift.noshi) gift.push(t('ord_noshi_' + o.gift.noshi.placement) + ' ' + o.gift.noshi.title + (o.gift.noshi.name ? '／' + o.gift.noshi.name : ''));
    if (o.gift.hide_prices) gift.push(t('ord_gift_hide'));
    if (o.gift.message) gift.push(t('ord_gift_message', {message: o.gift.message}));
    fact(dl, t('ord_gift'), gift.join('・') || t('ord_no'));
    fact(dl, t('ord_priority'), String(o.priority));
    fact(dl, t('ord_ordered'), when(o.ordered_at));
    if (o.note) fact(dl, t('ord_note'), o.note);

    var r = o.recipient;
    $('order-recipient').textContent = ['〒' + r.postal_code.replace(/^(\d{3})(\d{4})$/, '$1-$2'), r.prefecture + r.city + r.address1,
      r.address2, r.company, r.name + (lang === 'en' ? '' : ' 様'), r.phone, r.email].filter(Boolean).join('\n');

    var buttons = $('order-buttons');
    buttons.textContent = '';
    o.actions.forEach(function (action) {
      var b = el('button', action === 'cancel' ? 'danger' : '', t('ord_do_' + action));
      b.type = 'button';
      b.dataset.action = action;
      if (t('ord_why_' + action) !== 'ord_why_' + action) b.title = t('ord_why_' + action);
      b.addEventListener('click', function () {
        if (!confirmFirst[action]) { act(o.id, action); return; }
        O.twice(b, function () { show('order-msg', 'warn', t('ord_confirm', {action: t('ord_do_' + action)})); }, function () { act(o.id, action); });
      });
      buttons.appendChild(b);
    });
    $('order-no-actions').hidden = o.actions.length > 0;
    $('order-note').disabled = !o.actions.length;

    // 同梱: the group the order ships in, merged and separated before picking.
    var group = o.consolidation, gp = $('order-group');
    gp.textContent = group ? t('ord_group', {primary: group.primary_no}) : t('ord_group_none');
    (group ? group.orders : []).forEach(function (g) {
      var a = el('a', 'code', g.order_no);
      a.href = '#order/' + g.id;
      gp.appendChild(document.createTextNode(' '));
      gp.appendChild(a);
    });
    var before = ['received', 'backordered', 'allocated'].indexOf(o.status) >= 0;
    $('order-merge').hidden = !before;
    $('order-unmerge').hidden = !(before && group);

    fill('order-lines', o.lines, function (l) {
      return [{text: l.sku, cls: 'code'}, {text: l.name}, {text: count(l.quantity), cls: 'n'},
        {text: count(l.allocated), cls: l.allocated < l.quantity && o.status !== 'cancelled' ? 'n alert' : 'n'},
        {text: count(l.picked), cls: 'n'}, {text: count(l.inspected), cls: 'n'}];
    });
    var al = fill('order-allocations', o.allocations, function (a) {
      return [{text: a.location, cls: 'code'}, {text: a.sku, cls: 'code'}, {text: a.name}, {text: a.lot}, {text: a.expiry || ''},
        {text: count(a.quantity), cls: 'n'}, {text: count(a.picked), cls: 'n'}];
    });
    $('order-allocations').hidden = !al.children.length;
    $('order-no-allocations').hidden = !!al.children.length;

    var pa = fill('order-parcels', o.parcels, function (p) {
      var track = el('span', 'code', p.tracking_number || '');
      if (p.tracking_url) {
        track = el('a', 'code', p.tracking_number);
        track.href = p.tracking_url;
        track.target = '_blank';
        track.rel = 'noopener noreferrer';
      }
      var manifest = el('span', '', p.manifest_id ? '#' + p.manifest_id : '');
      if (p.manifest_id) {
        manifest = el('a', '', '#' + p.manifest_id);
        manifest.href = '#manifests';
      }
      return [{text: p.seq + '/' + o.parcels.length, cls: 'n'}, {text: p.box}, {text: p.weight_grams ? t('ord_grams', {n: count(p.weight_grams)}) : '', cls: 'n'},
        {node: track}, {text: when(p.handed_over_at)}, {node: manifest}];
    });
    $('order-parcels').hidden = !pa.children.length;
    $('order-no-parcels').hidden = !!pa.children.length;

    $('order-documents').href = o.documents_url;
    $('order-slip-a5').href = o.slip_a5_url;
    var pr = fill('order-prints', o.prints, function (p) {
      return [{text: when(p.at)}, {text: t('ord_doc_' + p.document)}, {text: p.staff || t('ord_system')},
        {text: p.reprint ? t('ord_reprinted') : t('ord_first_print')}];
    });
    $('order-prints').hidden = !pr.children.length;
    $('order-no-prints').hidden = !!pr.children.length;

    var tl = $('order-timeline').querySelector('tbody');
    tl.textContent = '';
    o.timeline.forEach(function (e) {
      var what, detail;
      if (e.scan) {
        what = t('ord_scan', {step: t('ord_step_' + e.action)}) + (e.code ? ' ' + e.code : '') + ' ' + (e.result === 'ok' ? t('ord_scan_ok') : t('ord_scan_refused'));
        detail = e.message;
      } else {
        what = t('ord_ev_' + e.action);
        if (e.to && e.from !== e.to && e.action !== 'create') what += (lang === 'en' ? ' (' : '（') + (e.from ? status(e.from) + ' → ' : '→ ') + status(e.to) + (lang === 'en' ? ')' : '）');
        detail = e.detail;
      }
      var tr = row([{text: when(e.at), cls: 'time'}, {text: what}, {text: e.staff || t('ord_system'), cls: 'who'}, {text: e.device, cls: 'who'}, {text: detail}]);
      tr.className = e.scan ? (e.result === 'ok' ? 'scan' : 'scan refused') : 'event';
      tr.dataset.action = e.action;
      tl.appendChild(tr);
    });
    $('order-body').hidden = false;
  }
  function act(id, action, more) {
    var body = Object.assign({action: action}, more), note = $('order-note').value.trim();
    if (note) body.note = note;
    var buttons = document.querySelectorAll('#order-buttons button, #order-merge button');
    buttons.forEach(function (b) { b.disabled = true; });
    show('order-msg', '', t('working'));
    api('POST', '/ops/orders/' + id + '/actions', body).then(function (a) {
      buttons.forEach(function (b) { b.disabled = false; });
      if (failed('order-msg', a)) return;
      if (!shown || shown.id !== id) return; // the supervisor moved on meanwhile
      var o = a.data.order;
      $('order-note').value = '';
      show('order-msg', 'ok', t('ord_done_' + action, {number: o.order_no, status: status(o.status), new: a.data.new_order_no || ''}));
      var more = $('order-new');
      more.hidden = !a.data.new_order_id;
      if (a.data.new_order_id) {
        var link = more.querySelector('a');
        link.href = '#order/' + a.data.new_order_id;
        link.textContent = t('ord_title', {number: a.data.new_order_no});
      }
      render(o);
    });
  }

  $('order-merge').addEventListener('submit', function (e) {
    e.preventDefault();
    var other = $('order-merge-with').value.trim();
    if (!other) { show('order-msg', 'error', t('ord_consolidate_required')); return; }
    act(shown.id, 'consolidate', {with: other});
    $('order-merge-with').value = '';
  });
  $('order-unmerge').addEventListener('click', function () { act(shown.id, 'unconsolidate'); });
  $('ord-form').addEventListener('submit', submit);
  $('ord-clear').addEventListener('click', function () {
    fields.forEach(function (f) { $(f[1]).value = ''; });
    $('ord-q').focus();
  });
  $('ord-more').addEventListener('click', function () { search(true); });
  C.register('orders', loadOrders);
  C.register('order', loadOrder);
})();
