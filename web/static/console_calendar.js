/* soko console: the ship calendar (出荷カレンダー) — the warehouse's
 * prefecture, working weekdays, cut-off and company holidays, each
 * carrier's transit days to the 47 prefectures, and the public holidays
 * soko computes — for supervisors. */
(function () {
  'use strict';
  var C = SokoConsole, t = C.t, el = C.el, row = C.row;
  var holidays = [];

  function $(id) { return document.getElementById(id); }
  function days() { return document.querySelectorAll('#cal-weekdays input[data-day]'); }

  function load() {
    C.api('GET', '/ops/ship-calendar').then(function (a) {
      if (C.failed('cal-msg', a)) return;
      show(a.data);
    });
    loadTransit();
  }
  function show(c) {
    // The prefectures come with the transit table, which may answer later.
    var sel = $('cal-prefecture');
    sel.dataset.want = c.prefecture;
    if (sel.options.length) sel.value = c.prefecture;
    days().forEach(function (box) { box.checked = c.working_days[+box.dataset.day]; });
    $('cal-cutoff').value = c.cut_off;
    $('cal-public-off').checked = c.public_holidays_off;
    holidays = c.company_holidays.map(function (h) { return {date: h.date, name: h.name || ''}; });
    drawHolidays();
    $('cal-source').textContent = c.holiday_source;
    var ul = $('cal-public');
    ul.textContent = '';
    c.public_holidays.forEach(function (h) { ul.appendChild(el('li', '', h.date + ' ' + h.name)); });
  }
  function drawHolidays() {
    holidays.sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : 0; });
    var body = $('cal-company-rows');
    body.textContent = '';
    holidays.forEach(function (h, i) {
      var b = el('button', '', t('cal_remove'));
      b.type = 'button';
      b.onclick = function () { holidays.splice(i, 1); drawHolidays(); };
      body.appendChild(row([{text: h.date}, {text: h.name}, {node: b}]));
    });
    $('cal-no-company').hidden = holidays.length > 0;
  }
  function add() {
    var d = $('cal-new-date').value;
    if (!d) { $('cal-new-date').focus(); return; }
    holidays = holidays.filter(function (h) { return h.date !== d; });
    holidays.push({date: d, name: $('cal-new-name').value.trim()});
    $('cal-new-date').value = '';
    $('cal-new-name').value = '';
    drawHolidays();
  }
  function save(e) {
    e.preventDefault();
    var working = [];
    days().forEach(function (box) { working[+box.dataset.day] = box.checked; });
    var body = {prefecture: $('cal-prefecture').value, working_days: working, cut_off: $('cal-cutoff').value.slice(0, 5),
      public_holidays_off: $('cal-public-off').checked, company_holidays: holidays};
    var from = $('transit-rows').dataset.from;
    C.api('PUT', '/ops/ship-calendar', body).then(function (a) {
      if (C.failed('cal-msg', a)) return;
      show(a.data);
      C.show('cal-msg', 'ok', t('cal_saved'));
      // Another prefecture has other default transit days.
      if (a.data.prefecture !== from) loadTransit();
    });
  }

  function loadTransit() {
    C.api('GET', '/ops/transit-days/' + $('transit-carrier').value).then(function (a) {
      if (C.failed('transit-msg', a)) return;
      showTransit(a.data);
    });
  }
  function showTransit(tt) {
    $('cal-transit-note').textContent = tt.note;
    var sel = $('cal-prefecture');
    if (!sel.options.length) {
      tt.rows.forEach(function (r) {
        var o = el('option', '', r.prefecture);
        o.value = r.prefecture;
        sel.appendChild(o);
      });
      sel.value = sel.dataset.want || tt.from_prefecture;
    }
    var body = $('transit-rows');
    body.textContent = '';
    body.dataset.from = tt.from_prefecture;
    tt.rows.forEach(function (r) {
      var input = el('input');
      input.type = 'number';
      input.min = 0;
      input.max = 14;
      input.value = r.days;
      input.dataset.prefecture = r.prefecture;
      input.dataset.default = r.default_days;
      input.setAttribute('aria-label', r.prefecture);
      var tr = row([{text: r.prefecture}, {node: input, cls: 'n'}, {text: String(r.default_days), cls: 'n'}]);
      if (r.set) tr.className = 'set';
      body.appendChild(tr);
    });
  }
  function saveTransit(e) {
    e.preventDefault();
    var set = [];
    document.querySelectorAll('#transit-rows input').forEach(function (input) {
      if (input.value !== '' && +input.value !== +input.dataset.default) set.push({prefecture: input.dataset.prefecture, days: +input.value});
    });
    var carrier = $('transit-carrier');
    C.api('PUT', '/ops/transit-days/' + carrier.value, {days: set}).then(function (a) {
      if (C.failed('transit-msg', a)) return;
      showTransit(a.data);
      C.show('transit-msg', 'ok', t('cal_transit_saved', {carrier: a.data.carrier_name}));
    });
  }

  $('cal-form').addEventListener('submit', save);
  $('cal-add').addEventListener('click', add);
  $('transit-form').addEventListener('submit', saveTransit);
  $('transit-carrier').addEventListener('change', loadTransit);
  C.register('calendar', load);
})();
