package server

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
)

// phoneScreens are the phones the floor uses, portrait and landscape, in CSS pixels.
var phoneScreens = []screen{
	{320, 568, true}, {568, 320, true},
	{360, 640, true}, {640, 360, true},
	{412, 915, true}, {915, 412, true},
}

// layoutProblems is a script that lists what a picker would see wrong on
// the current screen: a page wider than the phone, the scan field or the
// header off screen, a title cut short, a tap target under 48 px, and a
// field being typed into hidden under the header or the scan bar.
const layoutProblems = `(function (w, h) {
  var out = [], de = document.documentElement, vv = window.visualViewport;
  function shown(e) { return e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'; }
  function name(e) { return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') + ' "' + (e.textContent || e.value || '').trim().slice(0, 12) + '"'; }
  if (de.scrollWidth > w) out.push('page is ' + de.scrollWidth + ' px wide');
  if (innerWidth !== w) out.push('the browser zoomed out to ' + innerWidth + ' px');
  var vh = vv ? vv.height : innerHeight;
  var scan = document.getElementById('scan'), r = scan.getBoundingClientRect();
  if (!shown(scan) || r.top < 0 || r.bottom > vh || r.left < 0 || r.right > w) out.push('scan field at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
  var bar = document.querySelector('.bar'), b = bar.getBoundingClientRect();
  if (b.top < 0 || b.bottom > vh || b.right > w) out.push('header at ' + [b.left, b.top, b.right, b.bottom].map(Math.round).join(','));
  var title = document.getElementById('title');
  if (title.scrollWidth > title.clientWidth + 1) out.push('title "' + title.textContent + '" cut to ' + title.clientWidth + ' of ' + title.scrollWidth + ' px');
  document.querySelectorAll('button, a[href], input, select').forEach(function (e) {
    if (!shown(e)) return;
    var q = e.getBoundingClientRect();
    if (q.height < 47.5 || q.width < 47.5) out.push('tap target ' + name(e) + ' is ' + Math.round(q.width) + 'x' + Math.round(q.height));
    if (q.right > w + 0.5) out.push(name(e) + ' reaches ' + Math.round(q.right) + ' px');
  });
  var f = document.activeElement, sb = document.querySelector('.scanbar').getBoundingClientRect();
  if (f && f !== scan && f !== document.body && shown(f)) {
    var q = f.getBoundingClientRect();
    if (q.top < b.bottom || q.bottom > sb.top) out.push('field in use ' + name(f) + ' at ' + Math.round(q.top) + '-' + Math.round(q.bottom) + ', visible between ' + Math.round(b.bottom) + ' and ' + Math.round(sb.top));
  }
  return JSON.stringify(out);
})`

// fits checks the view on every phone screen, then gives the browser back its own screen.
func (h *handheld) fits(view string, back screen) {
	h.t.Helper()
	for _, sc := range append(phoneScreens, back) {
		h.do(chromedp.EmulateViewport(int64(sc.width), int64(sc.height), chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
		h.waitFor(fmt.Sprintf("a %dx%d screen", sc.width, sc.height), fmt.Sprintf(`window.visualViewport.width > 0 && document.documentElement.clientWidth <= %d`, sc.width))
		// A field in use is brought into view as the browser would on focus.
		h.do(chromedp.Evaluate[chromedp.Void](`(function(){var f=document.activeElement;if(f&&f.id!=='scan'&&f!==document.body)f.scrollIntoView({block:'nearest'})})()`))
		var problems []string
		if err := json.Unmarshal([]byte(h.eval(fmt.Sprintf(`%s(%d, %d)`, layoutProblems, sc.width, sc.height))), &problems); err != nil {
			h.t.Fatal(err)
		}
		for _, p := range problems {
			h.t.Errorf("%s at %dx%d: %s", view, sc.width, sc.height, p)
		}
		if len(problems) > 0 {
			h.shot(fmt.Sprintf("%s-%dx%d", view, sc.width, sc.height))
		}
	}
}

// TestFloorPages_FitPhones walks every handheld and dock view — sign-in,
// menu, a pick task, the put instruction, the short-pick form, receiving,
// put-away, a count, the dock's pickup chooser, loading and a closed
// pickup — and checks each on 320, 360 and 412 px phones, portrait
// and landscape: nothing wider than the screen, the header and the scan
// field on screen, the title whole, every tap target at least 48 px, and
// the field being typed into clear of the header and the scan bar.
func TestFloorPages_FitPhones(t *testing.T) {
	site := mustPickingSite(t)
	if err := site.db.CreateLocation(context.Background(), &soko.Location{Code: "RCV-01", Zone: "R", Kind: soko.LocationReceiving}); err != nil {
		t.Fatal(err)
	}
	own := screen{360, 640, true}
	h := mustBrowser(t, site.URL+"/hh", own)
	h.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
	h.fits("sign-in", own)
	h.signIn()
	h.fits("menu", own)

	h.click("#m-pick")
	h.wantTask("A-01-01-1", "0/2", "1", stepLocation)
	h.fits("pick task", own)
	h.scan("A-01-01-1")
	h.wantTask("A-01-01-1", "0/2", "1", stepItem)
	h.scan(pickTowel)
	h.expect("ok", "")
	h.scan(pickTowel)
	h.wantPut("1", "")
	h.wantTask("A-01-01-1", "0/3", "2", stepLocation)
	h.fits("put instruction", own)
	h.click("#pk-short")
	h.waitFor("the short form's field to take focus", `document.activeElement.id === 'pk-found'`)
	h.fits("short-pick form", own)
	h.click("#pk-short-cancel")

	h.click("#back")
	h.click("#m-receive")
	h.waitFor("the inbound list", `document.getElementById('inbounds').textContent !== ''`)
	h.fits("receiving: inbounds", own)
	h.click("#no-asn")
	h.waitFor("the merchants", `document.querySelector('[data-merchant=SHOP]')`)
	h.fits("receiving: merchants", own)
	h.click("[data-merchant=SHOP]")
	h.scan(pickMug)
	h.waitFor("the received line", `document.querySelector('#rc-lines tr[data-sku=MUG]')`)
	h.fits("receiving", own)

	h.click("#back")
	h.click("#m-putaway")
	h.scan(pickMug)
	h.waitFor("the item card", `!document.getElementById('pa-item').hidden`)
	h.fits("put-away", own)

	h.click("#back")
	h.click("#m-count")
	h.scan("A-01-02-1")
	h.waitFor("the count", `!document.getElementById('ct-count').hidden`)
	h.scan(pickMug)
	h.waitFor("the count's line", `document.querySelector('#ct-lines tr[data-sku=MUG]')`)
	h.fits("count", own)
	h.click("#ct-cancel")
	h.click("#back")
	h.click("#signout")
	h.expect("ok", "ログアウトしました")
	h.scan("V100")
	h.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	h.do(chromedp.KeyEvent(pinSupervisor + "\r"))
	h.expect("ok", "伊藤 陽菜")

	h.do(chromedp.Navigate(site.URL + "/hh/dock"))
	h.waitFor("the pickup chooser", `!document.getElementById('v-choose').hidden`)
	h.fits("dock: pickups", own)
	h.click("#open button[type=submit]")
	h.waitFor("the loading view", `!document.getElementById('v-load').hidden`)
	h.fits("dock: loading", own)
	h.click("#close")
	h.click("#close")
	h.waitFor("the closed pickup", `!document.getElementById('v-closed').hidden`)
	h.fits("dock: closed", own)
	h.checkClean()
}
