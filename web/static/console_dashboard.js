/* soko console: the dashboard (ダッシュボード), the console's home — the
 * day's work by stage, each carrier against its pickup, hourly charts drawn
 * by the server, exceptions linking to where each is fixed, waves with
 * their pickers, and each person's output — refreshed every 30 s while it
 * is shown; and stock (在庫): lookups by shelf or product with the ledger,
 * low stock, inbounds still to receive and shelves to count. */
(function () {
  'use strict';
  var C = SokoConsole, t = C.t, el = C.el, row = C.row, count = C.count;
  var timer = null, finding = C.latest();

  function $(id) { return document.getElementById(id); }
  function clock(d) { return new Date(d).toLocaleTimeString(document.documentElement.lang === 'en' ? 'en-GB' : 'ja-JP', {hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo'}); }
  function when(d) { return new Date(d).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'ja-JP', {month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo'}); }
  function percent(x) { return (Math.round(x * 1000) / 10) + '%'; }
  function fill(id, items, build, empty) {
    var box = $(id);
    box.textContent = '';
    items.forEach(function (x) { box.appendChild(build(x)); });
    if (empty) $(empty).hidden = items.length > 0;
  }

  function load(arg) {
    clearInterval(timer);
    timer = setInterval(function () {
      if ($('dashboard').hidden) { clearInterval(timer); return; }
      refresh();
    }, 30000);
    refresh(arg);
  }
  function refresh(arg) {
    C.api('GET', '/ops/dashboard').then(function (a) {
      if (C.failed('dash-msg', a)) return;
      show(a.data);
      if (arg === 'people') $('dash-people-title').scrollIntoView();
    });
    var stamp = Date.now();
    $('dash-chart-shipped').src = '/ops/dashboard/charts/shipped?t=' + stamp;
    $('dash-chart-scans').src = '/ops/dashboard/charts/scans?t=' + stamp;
  }
  function show(d) {
    $('dash-updated').textContent = t('dash_updated', {time: clock(Date.now())});
    fill('dash-pipeline', d.stages, function (s) {
      var li = el('li', 'stage ' + s.status);
      li.appendChild(el('b', '', count(s.count)));
      li.appendChild(el('span', '', s.label));
      return li;
    });
    fill('dash-exceptions', d.exceptions, function (x) {
      var li = el('li'), a = el('a', 'exception ' + x.kind);
      a.href = x.link;
      a.appendChild(el('b', '', count(x.count)));
      a.appendChild(el('span', '', x.label));
      li.appendChild(a);
      return li;
    }, 'dash-no-problems');
    fill('dash-carriers', d.carriers, function (c) {
      var li = el('li', 'carrier');
      var head = el('div', 'carrier-head');
      head.appendChild(el('b', '', c.carrier_name));
      head.appendChild(el('span', 'muted', c.cutoff ? t('dash_cutoff', {time: clock(c.cutoff)}) : t('dash_no_cutoff')));
      li.appendChild(head);
      var bar = el('div', 'progress');
      var shipped = el('span', 'shipped'), labeled = el('span', 'labeled');
      shipped.style.width = (c.orders ? 100 * c.shipped / c.orders : 0) + '%';
      labeled.style.width = (c.orders ? 100 * c.labeled / c.orders : 0) + '%';
      bar.appendChild(shipped);
      bar.appendChild(labeled);
      li.appendChild(bar);
      li.appendChild(el('small', '', t('dash_carrier_row', {shipped: count(c.shipped), labeled: count(c.labeled), orders: count(c.orders)})));
      return li;
    });
    $('dash-undelivered-title').textContent = t('dash_undelivered', {days: count(d.undelivered_days)});
    fill('dash-undelivered-rows', d.undelivered, function (u) {
      return row([{text: u.carrier_name}, {text: count(u.parcels), cls: 'n'}, {text: count(u.exceptions), cls: u.exceptions ? 'n alert' : 'n'}]);
    }, 'dash-no-undelivered');
    fill('dash-delivery-exceptions', d.delivery_exceptions, function (x) {
      var li = el('li'), a = el('a', 'exception delivery ' + x.status);
      a.href = x.link;
      a.appendChild(el('b', '', x.status_label));
      a.appendChild(el('span', '', x.order_no + ' · ' + x.carrier_name + ' ' + x.tracking_number + ' · ' + when(x.at)));
      li.appendChild(a);
      return li;
    }, 'dash-no-delivery-exceptions');
    fill('dash-ship-date-rows', d.ship_dates, function (c) {
      var tr = row([{text: c.overdue ? t('dash_overdue') : c.date}, {text: count(c.orders), cls: 'n'}, {text: count(c.waiting), cls: 'n'},
        {text: count(c.released), cls: 'n'}]);
      if (c.overdue) tr.className = 'alert';
      return tr;
    }, 'dash-no-ship-dates');
    fill('dash-at-risk', d.at_risk, function (x) {
      var li = el('li'), a = el('a', 'exception at-risk');
      a.href = x.link;
      a.appendChild(el('b', '', x.order_no));
      a.appendChild(el('span', '', t('dash_at_risk_row', {merchant: x.merchant_code, status: x.status_label, ship: x.ship_date,
        delivery: x.delivery_date ? t('dash_delivery_by', {date: x.delivery_date}) : ''}) + ' · ' + x.carrier_name + ' ' + x.prefecture));
      li.appendChild(a);
      return li;
    }, 'dash-no-at-risk');
    fill('dash-old-holds', d.old_holds, function (x) {
      var li = el('li'), a = el('a', 'exception old-hold');
      a.href = x.link;
      a.appendChild(el('b', '', x.order_no));
      a.appendChild(el('span', '', t('dash_old_hold_row', {merchant: x.merchant_code, reason: x.reason_label, days: count(x.days),
        freed: x.stock_freed ? t('dash_stock_freed') : ''}) + (x.note ? ' — ' + x.note : '')));
      li.appendChild(a);
      return li;
    }, 'dash-no-old-holds');
    var waves = [];
    d.waves.forEach(function (w) {
      w.pickers.forEach(function (p, i) { waves.push({wave: w, picker: p, first: i === 0}); });
    });
    fill('dash-wave-rows', waves, function (x) {
      var act = el('span');
      if (x.picker.picker && x.picker.open) {
        var b = el('button', '', t('dash_release'));
        b.type = 'button';
        b.onclick = function () { release(x.picker.pick_list); };
        act.appendChild(b);
      }
      return row([{text: x.first ? x.wave.wave_no + ' · ' + t('mode_' + x.wave.mode) : ''}, {text: (x.picker.picker || t('dash_unclaimed')) + ' · ' + x.picker.pick_list},
        {text: count(x.picker.done) + ' / ' + count(x.picker.done + x.picker.open), cls: 'n'}, {node: act}]);
    }, 'dash-no-waves');
    fill('dash-people-rows', d.people, function (p) {
      var per = t('dash_per_hour');
      return row([{text: p.name}, {text: count(p.picks) + ' (' + p.picks_per_hour.toFixed(1) + per + ')', cls: 'n'},
        {text: count(p.inspections) + ' (' + p.inspections_per_hour.toFixed(1) + per + ')', cls: 'n'}, {text: count(p.packed), cls: 'n'},
        {text: count(p.loaded), cls: 'n'}, {text: count(p.hours), cls: 'n'}, {text: percent(p.error_rate), cls: p.error_rate > 0.05 ? 'n alert' : 'n'}]);
    }, 'dash-no-people');
  }
  function release(list) {
    C.api('POST', '/ops/pick-lists/' + encodeURIComponent(list) + '/release').then(function (a) {
      if (C.failed('dash-msg', a)) return;
      C.show('dash-msg', 'ok', a.data.message);
      refresh();
    });
  }

  function findStock(e) {
    e.preventDefault();
    var loc = $('stock-location').value.trim(), sku = $('stock-sku').value.trim(), merchant = $('stock-merchant').value;
    var q = [];
    if (loc) q.push('location=' + encodeURIComponent(loc));
    if (sku) q.push('sku=' + encodeURIComponent(sku));
    if (merchant) q.push('merchant_id=' + merchant);
    var newest = finding();
    C.api('GET', '/ops/stock?' + q.join('&')).then(function (a) {
      if (!newest() || C.failed('stock-msg', a)) return;
      C.show('stock-msg', a.data.length ? '' : 'warn', a.data.length ? '' : t('stock_nothing'));
      $('stock-places').hidden = !a.data.length;
      fill('stock-place-rows', a.data, function (s) {
        return row([{text: s.location}, {text: s.merchant}, {text: s.sku}, {text: s.name}, {text: s.lot}, {text: s.expiry || ''},
          {text: count(s.on_hand), cls: 'n'}, {text: count(s.allocated), cls: 'n'}, {text: count(s.available), cls: 'n'},
          {text: s.held ? t('stock_held_here') : '', cls: s.held ? 'alert' : ''}]);
      });
    });
    $('stock-ledger').hidden = true;
    $('stock-figures').hidden = true;
    if (sku && merchant) {
      C.api('GET', '/ops/stock/figures?merchant_id=' + merchant + '&sku=' + encodeURIComponent(sku)).then(function (a) {
        if (!newest() || !a.ok) return;
        $('stock-figures').hidden = false;
        fill('stock-figure-rows', [a.data], function (f) {
          return row([{text: f.sku}, {text: count(f.on_hand), cls: 'n'}, {text: count(f.allocated), cls: 'n'}, {text: count(f.held), cls: 'n'},
            {text: count(f.buffer), cls: 'n'}, {text: count(f.sellable), cls: 'n'}]);
        });
      });
      C.api('GET', '/ops/stock/ledger?merchant_id=' + merchant + '&sku=' + encodeURIComponent(sku)).then(function (a) {
        if (!newest() || C.failed('stock-msg', a)) return;
        $('stock-ledger').hidden = false;
        fill('stock-ledger-rows', a.data, function (l) {
          var sign = function (n) { return (n > 0 ? '+' : '') + n; };
          return row([{text: new Date(l.at).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'ja-JP', {timeZone: 'Asia/Tokyo'})},
            {text: l.location + (l.lot ? ' / ' + l.lot : '')}, {text: l.kind}, {text: sign(l.on_hand_delta), cls: 'n'},
            {text: sign(l.allocated_delta), cls: 'n'}, {text: l.reason + (l.document ? ' (' + l.document + ')' : '')}, {text: l.staff || ''}]);
        });
      });
    }
  }
  function loadMerchants() {
    if ($('stock-merchant').options.length) return;
    C.api('GET', '/ops/merchants').then(function (a) {
      if (!a.ok) return;
      var sel = $('stock-merchant');
      sel.appendChild(el('option', '', ''));
      a.data.forEach(function (m) {
        var o = el('option', '', m.code + ' ' + m.name);
        o.value = m.id;
        sel.appendChild(o);
      });
    });
  }

  function loadStock() {
    loadMerchants();
    C.api('GET', '/ops/alerts/low-stock').then(function (a) {
      if (C.failed('stock-msg', a)) return;
      fill('stock-low-rows', a.data, function (s) {
        var cover = s.days_of_cover === null || s.days_of_cover === undefined ? t('stock_no_demand') : s.days_of_cover.toFixed(1);
        return row([{text: s.merchant_code}, {text: s.sku}, {text: s.name},
          {text: s.out ? t('stock_out') : count(s.available), cls: 'n alert'}, {text: count(s.reorder_point), cls: 'n'}, {text: cover, cls: 'n'}]);
      }, 'stock-no-low');
    });
    C.api('GET', '/ops/inbounds').then(function (a) {
      if (C.failed('stock-msg', a)) return;
      fill('stock-inbound-rows', a.data, function (in_) {
        var got = 0, want = 0;
        in_.lines.forEach(function (l) { got += l.received; want += l.quantity; });
        return row([{text: in_.merchant_code}, {text: in_.inbound_no}, {text: in_.expected_date || ''}, {text: count(got) + ' / ' + count(want), cls: 'n'}]);
      }, 'stock-no-inbounds');
      $('stock-inbounds').hidden = !a.data.length;
    });
    C.api('GET', '/ops/count-tasks').then(function (a) {
      if (C.failed('stock-msg', a)) return;
      fill('stock-counts', a.data, function (code) { return el('li', '', code); }, 'stock-no-counts');
    });
  }

  $('stock-form').addEventListener('submit', findStock);
  C.register('dashboard', load, true);
  C.register('stock', loadStock);
})();
