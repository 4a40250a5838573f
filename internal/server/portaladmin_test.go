package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// portalMail is the warehouse's outbox sending to a test SMTP server.
type portalMail struct {
	t      *testing.T
	mb     *mailbox
	worker *notify.Worker
	read   int
}

// mustPortalMail sends db's outbox through an SMTP server of the test's own.
func mustPortalMail(t *testing.T, db *storage.DB, clock *testClock) *portalMail {
	t.Helper()
	mb := mustMailbox(t)
	mailer, err := notify.NewMailer("smtp://" + mb.addr + "?from=portal@soko.example&starttls=none")
	if err != nil {
		t.Fatal(err)
	}
	mailer.Timeout, mailer.Now = 5*time.Second, clock.now
	return &portalMail{t: t, mb: mb, worker: &notify.Worker{Store: db, Sender: &notify.Sender{AllowPrivate: true, Now: clock.now}, Mailer: mailer, Now: clock.now}}
}

// letter sends what the outbox holds and returns the one new email, which
// must be to, as a mail client shows it, and the token of its portal link.
func (m *portalMail) letter(to string) (subject, body, token string) {
	m.t.Helper()
	if _, _, err := m.worker.RunOnce(context.Background()); err != nil {
		m.t.Fatal(err)
	}
	_, rcpt, letters := m.mb.received()
	if len(letters) != m.read+1 || rcpt[m.read] != to {
		m.t.Fatalf("emails to %v, want one more to %s", rcpt, to)
	}
	subject, body = readPortalLetter(m.t, letters[m.read])
	m.read++
	link := regexp.MustCompile(`https://soko\.example/portal/reset#([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if link == nil {
		m.t.Fatalf("no portal link in %q:\n%s", subject, body)
	}
	return subject, body, link[1]
}

// An admin invites a merchant's first owner from the console's API: the
// invitation is mailed through the SMTP outbox, the owner sets a password
// from it and signs in; the admin locks the owner out (ending the session)
// and lets them in again. A supervisor may do none of it.
func TestPortalAdmin_InviteFirstOwnerAndLock(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h, clock := mustTOTPSite(t, db)
		db.PublicURL = "https://soko.example"
		mail := mustPortalMail(t, db, clock)
		admin, sup := signIn(t, h, "A001", pinAdmin), signIn(t, h, "V001", "5555")
		m := &soko.Merchant{Code: "HANAYA", Name: "花屋はなや"}
		if err := db.CreateMerchant(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/ops/admin/merchants/%d/portal-users", m.ID)

		invite := map[string]any{"email": "Owner@Hanaya.example", "name": "花子", "role": "owner"}
		if r := sup.op("POST", base, invite, sup.csrf); r.Status != 403 {
			t.Errorf("a supervisor invites: %d", r.Status)
		}
		if r := admin.op("POST", base, invite, ""); r.Status != 403 {
			t.Errorf("an invitation without the CSRF token: %d", r.Status)
		}
		if r := admin.op("POST", base, map[string]any{"email": "not-an-email", "role": "owner"}, admin.csrf); r.Status != 422 || !contains(r.fields(), "email") {
			t.Errorf("a bad email: %d %s", r.Status, r.Raw)
		}
		r := admin.op("POST", base, invite, admin.csrf)
		if r.Status != 201 {
			t.Fatalf("invite: %d %s", r.Status, r.Raw)
		}
		invited := decode[api.PortalUser](t, r)
		if invited.Email != "owner@hanaya.example" || invited.PasswordSet {
			t.Fatalf("invite: %d %s", r.Status, r.Raw)
		}
		id := invited.Id
		if r := admin.op("POST", base, invite, admin.csrf); r.Status != 409 {
			t.Errorf("the same email again: %d %s", r.Status, r.Raw)
		}
		if r := admin.op("POST", "/ops/admin/merchants/999999/portal-users", invite, admin.csrf); r.Status != 404 {
			t.Errorf("an unknown merchant: %d %s", r.Status, r.Raw)
		}

		subject, body, token := mail.letter("owner@hanaya.example")
		if !strings.Contains(subject, "招待") || !strings.Contains(body, "花屋はなや") {
			t.Fatalf("invitation %q:\n%s", subject, body)
		}
		anon := &portalClient{tb: t, h: h}
		anon.must(204, "POST", "/portal/password-reset/confirm", map[string]any{"token": token, "password": "hanaya-owner-2026"})
		owner := signInPortal(t, h, "owner@hanaya.example", "hanaya-owner-2026")
		if s := decode[api.PortalSession](t, owner.must(200, "GET", "/portal/session", nil)); s.Role != "owner" || s.MerchantCode != "HANAYA" {
			t.Fatalf("the new owner: %+v", s)
		}

		list := admin.op("GET", base, nil, "")
		if list.Status != 200 {
			t.Fatalf("list: %d %s", list.Status, list.Raw)
		}
		if users := decode[api.ListPortalUsers200JSONResponse](t, list).Data; len(users) != 1 || !users[0].PasswordSet {
			t.Fatalf("list: %d %s", list.Status, list.Raw)
		}
		if r := admin.op("PATCH", fmt.Sprintf("%s/%d", base, id), map[string]any{"active": false}, admin.csrf); r.Status != 200 || decode[api.PortalUser](t, r).Active {
			t.Fatalf("lock: %d %s", r.Status, r.Raw)
		}
		if r := owner.do("GET", "/portal/session", nil); r.Status != 401 {
			t.Errorf("a locked user's session: %d", r.Status)
		}
		anon.must(401, "POST", "/portal/session", map[string]any{"email": "owner@hanaya.example", "password": "hanaya-owner-2026"})
		sakura, err := db.FindMerchantByCode(context.Background(), "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		if r := admin.op("PATCH", fmt.Sprintf("/ops/admin/merchants/%d/portal-users/%d", sakura.ID, id), map[string]any{"active": true}, admin.csrf); r.Status != 404 {
			t.Errorf("unlock under another merchant: %d %s", r.Status, r.Raw)
		}
		admin.op("PATCH", fmt.Sprintf("%s/%d", base, id), map[string]any{"active": true}, admin.csrf)
		signInPortal(t, h, "owner@hanaya.example", "hanaya-owner-2026")
	})
}
