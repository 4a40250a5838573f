package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestAudit_ConsoleFilterInBrowser drives the console's audit log in
// headless Chromium: an admin sees three days of changes, newest first,
// narrows them by who, then by action, then by day; the filter is in the
// URL, so a reload shows the same entries. A supervisor gets no link and,
// by the URL, only the notice that the log is for admins.
func TestAudit_ConsoleFilterInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	ctx := context.Background()
	day := func(d int) { site.db.Now = func() time.Time { return storagetest.Fixed.AddDate(0, 0, d) } }
	office := soko.WithActor(ctx, soko.Actor{Kind: soko.ActorStaff, StaffID: site.seed.Staff[0].ID, Badge: "A001", Device: "PC-事務所", Address: "192.0.2.5"})
	picker := site.seed.Staff[2].Staff
	day(-2)
	hash, _ := soko.HashPIN("482913")
	if err := site.db.CreateStaff(office, &soko.Staff{BadgeCode: "K010", Name: "新人", Role: soko.RolePacker, PINHash: hash, Active: true}); err != nil {
		t.Fatal(err)
	}
	day(-1)
	if err := site.db.RevokeAPIKey(soko.WithActor(ctx, soko.Actor{Kind: soko.ActorCLI}), soko.APIKeyPrefix(keyAdminTests)); err != nil {
		t.Fatal(err)
	}
	day(0)
	if _, err := site.db.ResetStaffPIN(office, picker.ID, hash, 0); err != nil {
		t.Fatal(err)
	}
	picker.Role = soko.RoleShipper
	if err := site.db.UpdateStaff(office, &picker); err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console#audit", screen{1366, 768, false})}
	c.signIn("A001", pinAdmin)
	c.expect("ok", "高橋 管理")
	rows := `Array.from(document.querySelectorAll('#aud-table tbody tr')).map(function(r){return r.dataset.action}).join()`
	c.waitFor("every entry, newest first", `!document.getElementById('audit').hidden && `+rows+` === 'staff.update,staff.pin_reset,api_key.revoke,staff.create'`)
	if !c.visible(`nav a[href="#audit"]`) {
		t.Error("an admin has no link to the audit log")
	}
	role := c.text(`#aud-table tbody tr[data-action="staff.update"]`)
	for _, want := range []string{"A001", "PC-事務所 / 192.0.2.5", "スタッフ変更", "スタッフ #", "P001", "role: picker → shipper"} {
		if !strings.Contains(role, want) {
			t.Errorf("the role change reads %q: no %q", role, want)
		}
	}
	if pin := c.text(`#aud-table tbody tr[data-action="staff.pin_reset"]`); !strings.Contains(pin, "PIN再発行") || strings.Contains(pin, hash) {
		t.Errorf("the PIN reset reads %q", pin)
	}
	if cli := c.text(`#aud-table tbody tr[data-action="api_key.revoke"]`); !strings.Contains(cli, "コマンドライン") || !strings.Contains(cli, "revoked: false → true") {
		t.Errorf("the CLI's revocation reads %q", cli)
	}
	c.shot("audit-all")

	// Who: the admin's own changes.
	c.fill("#aud-actor", "a001")
	c.click("#aud-filter button[type=submit]")
	c.waitFor("the admin's changes", rows+` === 'staff.update,staff.pin_reset,staff.create'`)
	// …of one kind.
	c.fill("#aud-action", "staff.pin_reset")
	c.click("#aud-filter button[type=submit]")
	c.waitFor("the PIN reset alone", rows+` === 'staff.pin_reset'`)
	if h := c.eval(`location.hash`); h != "#audit?actor=a001&action=staff.pin_reset" {
		t.Errorf("the filter's URL is %q", h)
	}
	// A fresh load of that URL shows the same filter and entries.
	c.eval(`window.beforeReload = true, "marked"`)
	c.do(chromedp.Navigate(srv.URL + "/console?again=1#audit?actor=a001&action=staff.pin_reset"))
	c.waitFor("the same entries after a reload", `!window.beforeReload && document.getElementById('aud-action').value === 'staff.pin_reset' && `+rows+` === 'staff.pin_reset'`)

	// When: the day before, by anyone — the command line's revocation.
	c.eval(`document.getElementById('aud-actor').value = document.getElementById('aud-action').value = '', "cleared"`)
	c.fill("#aud-from", "2026-11-22", "#aud-to", "2026-11-22")
	c.click("#aud-filter button[type=submit]")
	c.waitFor("the day before", rows+` === 'api_key.revoke'`)
	// A range that ends before it starts is refused in the page.
	c.fill("#aud-from", "2026-11-23")
	c.click("#aud-filter button[type=submit]")
	c.wantMsg("aud-msg", "error", "終了日は開始日以降にしてください")
	// Nobody by that badge.
	c.eval(`document.getElementById('aud-from').value = document.getElementById('aud-to').value = '', "cleared"`)
	c.fill("#aud-actor", "Z999")
	c.click("#aud-filter button[type=submit]")
	c.waitFor("no entries", `!document.getElementById('aud-none').hidden && document.getElementById('aud-table').hidden`)
	c.shot("audit-filtered")
	c.checkClean()

	// A supervisor: no link, and the URL shows only the refusal.
	sup := console{mustBrowser(t, srv.URL+"/console#audit", screen{1366, 768, false})}
	sup.signIn("V001", "5555")
	sup.expect("ok", "伊藤")
	sup.waitFor("the refusal", `!document.getElementById('audit').hidden && !document.querySelector('#audit .adm-denied').hidden`)
	if sup.visible(`nav a[href="#audit"]`) || sup.visible("#aud-filter") || sup.eval(`String(document.querySelectorAll('#aud-table tbody tr').length)`) != "0" {
		t.Error("a supervisor is shown the audit log")
	}
	sup.checkClean()
}
