package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustPortalUser makes a merchant and one portal user of it, with a password hash.
func mustPortalUser(tb testing.TB, db *storage.DB, code, email string, role soko.PortalRole) *soko.PortalUser {
	tb.Helper()
	ctx := context.Background()
	m := &soko.Merchant{Code: code, Name: "荷主 " + code}
	if err := db.CreateMerchant(ctx, m); err != nil {
		tb.Fatal(err)
	}
	u := &soko.PortalUser{MerchantID: m.ID, Email: email, Role: role, PasswordHash: "hash-of-" + email}
	if _, err := db.CreatePortalUser(ctx, u, false); err != nil {
		tb.Fatal(err)
	}
	return u
}

// A portal user is found by email in any case, is unique by email, and
// signs in to a session that ends when the user is stopped.
func TestPortal_UsersAndSessions(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := soko.WithActor(context.Background(), soko.Actor{Kind: soko.ActorCLI})
		u := mustPortalUser(t, db, "SAKURA", " Owner@Sakura.example ", soko.PortalOwner)
		if u.Email != "owner@sakura.example" {
			t.Fatalf("stored email %q", u.Email)
		}
		got, err := db.FindPortalUserByEmail(ctx, "OWNER@sakura.example")
		if err != nil || got.ID != u.ID || got.Role != soko.PortalOwner || got.PasswordHash != "hash-of- Owner@Sakura.example " {
			t.Fatalf("found %+v, %v", got, err)
		}
		_, err = db.CreatePortalUser(ctx, &soko.PortalUser{MerchantID: u.MerchantID, Email: "owner@SAKURA.example", Role: soko.PortalStaff}, false)
		if soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("same email again: %v, want conflict", err)
		}
		_, err = db.CreatePortalUser(ctx, &soko.PortalUser{MerchantID: u.MerchantID, Email: "not an email", Role: "boss"}, false)
		if se, ok := err.(*soko.Error); !ok || se.Code != soko.EINVALID || len(se.Fields) != 2 {
			t.Fatalf("bad email and role: %v", err)
		}
		if _, err := db.FindPortalUserByEmail(ctx, "nobody@sakura.example"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("unknown email: %v", err)
		}

		sess, token, err := db.CreatePortalSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		found, err := db.FindPortalSession(ctx, token)
		if err != nil || found.ID != sess.ID || found.User.ID != u.ID || found.Merchant.Code != "SAKURA" || found.CSRFToken != sess.CSRFToken {
			t.Fatalf("session %+v, %v", found, err)
		}
		if _, err := db.SetPortalUserActive(ctx, u.MerchantID+1, u.ID, false); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("another merchant stops the user: %v", err)
		}
		if _, err := db.SetPortalUserActive(ctx, u.MerchantID, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindPortalSession(ctx, token); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("a stopped user's session: %v", err)
		}
		log, _, err := db.AuditLog(ctx, soko.AuditFilter{TargetType: "portal_user"})
		if err != nil || len(log) != 2 || log[0].Action != soko.AuditPortalUserUpdate || log[1].Action != soko.AuditPortalUserCreate {
			t.Fatalf("audit %+v, %v", log, err)
		}
		if strings.Contains(log[1].After, "hash") {
			t.Fatalf("the audit log keeps the password hash: %s", log[1].After)
		}
	})
}

// Five wrong passwords lock the account for a minute, then twice as long
// after each further one; a right password lifts only the lock it set.
func TestPortal_Lockout(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := storagetest.Fixed
		db.Now = func() time.Time { return now }
		u := mustPortalUser(t, db, "SAKURA", "staff@sakura.example", soko.PortalStaff)
		for i := 1; i <= soko.MaxWrongPINs; i++ {
			a, err := db.ClaimPortalLogin(ctx, u.ID)
			if err != nil || a.Count != i {
				t.Fatalf("attempt %d: %+v, %v", i, a, err)
			}
		}
		if _, err := db.ClaimPortalLogin(ctx, u.ID); soko.ErrorCode(err) != soko.ELOCKED {
			t.Fatalf("sixth attempt within the minute: %v, want locked", err)
		}
		now = now.Add(time.Minute + time.Second)
		a, err := db.ClaimPortalLogin(ctx, u.ID)
		if err != nil || a.Count != soko.MaxWrongPINs+1 {
			t.Fatalf("after the wait: %+v, %v", a, err)
		}
		now = now.Add(time.Minute + time.Second)
		if _, err := db.ClaimPortalLogin(ctx, u.ID); soko.ErrorCode(err) != soko.ELOCKED {
			t.Fatalf("the second lock is two minutes: %v", err)
		}
		now = now.Add(time.Minute)
		a, err = db.ClaimPortalLogin(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SettlePortalLogin(ctx, a, true); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindPortalUserByEmail(ctx, u.Email)
		if got.FailedLogins != soko.MaxWrongPINs+1 || !got.LockedUntil.Before(now.Add(time.Second)) {
			t.Fatalf("after a right password: %d wrong, locked until %v", got.FailedLogins, got.LockedUntil)
		}
	})
}

// A reset link works once, before it expires; a newer link replaces an
// older one; using it sets the password, lifts the lock and ends sessions;
// the email carrying it is queued in the outbox.
func TestPortal_PasswordReset(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := storagetest.Fixed
		db.Now = func() time.Time { return now }
		db.PublicURL = "https://soko.example/"
		u := mustPortalUser(t, db, "SAKURA", "owner@sakura.example", soko.PortalOwner)
		if _, err := db.RequestPasswordReset(ctx, "nobody@sakura.example"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("unknown email: %v", err)
		}
		_, token, err := db.CreatePortalSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		for range soko.MaxWrongPINs {
			if _, err := db.ClaimPortalLogin(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		old, err := db.RequestPasswordReset(ctx, "Owner@Sakura.example")
		if err != nil {
			t.Fatal(err)
		}
		link, err := db.RequestPasswordReset(ctx, "owner@sakura.example")
		if err != nil || link == old {
			t.Fatalf("second link %q, %v", link, err)
		}
		if _, err := db.ResetPassword(ctx, old, "new-hash"); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("a replaced link: %v, want refused", err)
		}
		got, err := db.ResetPassword(ctx, link, "new-hash")
		if err != nil || got.PasswordHash != "new-hash" || got.FailedLogins != 0 {
			t.Fatalf("reset: %+v, %v", got, err)
		}
		if _, err := db.ClaimPortalLogin(ctx, u.ID); err != nil {
			t.Fatalf("the lock stays after a reset: %v", err)
		}
		if _, err := db.FindPortalSession(ctx, token); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("a session outlives the reset: %v", err)
		}
		if _, err := db.ResetPassword(ctx, link, "again"); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("a used link: %v, want refused", err)
		}
		late, err := db.RequestPasswordReset(ctx, "owner@sakura.example")
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(soko.PasswordResetLifetime)
		if _, err := db.ResetPassword(ctx, late, "late"); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("an expired link: %v, want refused", err)
		}

		mails, _, err := db.ClaimDue(ctx, "email", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(mails) != 3 || mails[1].EventType != "portal.password_reset" || !strings.Contains(string(mails[1].Payload), "https://soko.example/portal/reset#"+link) ||
			!strings.Contains(string(mails[1].Payload), "owner@sakura.example") {
			t.Fatalf("reset emails: %+v", mails)
		}
		if strings.Contains(string(mails[0].Payload), link) {
			t.Fatal("the first email carries the second link")
		}
	})
}

// An invited user has no password until the invitation's link sets one;
// the link lives a week.
func TestPortal_Invite(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := storagetest.Fixed
		db.Now = func() time.Time { return now }
		owner := mustPortalUser(t, db, "SAKURA", "owner@sakura.example", soko.PortalOwner)
		u := &soko.PortalUser{MerchantID: owner.MerchantID, Email: "new@sakura.example", Role: soko.PortalReadOnly}
		link, err := db.CreatePortalUser(ctx, u, true)
		if err != nil || link == "" {
			t.Fatalf("invite: %q, %v", link, err)
		}
		if got, _ := db.FindPortalUserByEmail(ctx, u.Email); got.PasswordHash != "" {
			t.Fatal("an invited user has a password")
		}
		now = now.Add(6 * 24 * time.Hour)
		if _, err := db.ResetPassword(ctx, link, "set-by-invitee"); err != nil {
			t.Fatalf("invitation link after six days: %v", err)
		}
		users, err := db.PortalUsers(ctx, owner.MerchantID)
		if err != nil || len(users) != 2 || users[0].Email != "new@sakura.example" {
			t.Fatalf("users %+v, %v", users, err)
		}
	})
}

// An unknown email's guesses are counted in a row as an account's wrong
// passwords are: refused uncounted while the last count's wait lasts,
// counted again after it, forgotten after a quiet day.
func TestClaimUnknownPortalLogin(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := storagetest.Fixed
		db.Now = func() time.Time { return now }
		claim := func() (int, error) {
			a, err := db.ClaimUnknownPortalLogin(ctx, "portal-signin:unknown:ab")
			if err != nil {
				return 0, err
			}
			return a.Count, nil
		}
		for want := 1; want <= soko.MaxWrongPINs; want++ {
			if n, err := claim(); err != nil || n != want {
				t.Fatalf("guess %d: count %d, %v", want, n, err)
			}
		}
		if _, err := claim(); soko.ErrorCode(err) != soko.ELOCKED {
			t.Fatalf("a guess within the wait: %v, want locked", err)
		}
		now = now.Add(soko.BadgeWait(soko.MaxWrongPINs))
		if n, err := claim(); err != nil || n != soko.MaxWrongPINs+1 {
			t.Fatalf("a guess after the wait: count %d, %v", n, err)
		}
		now = now.Add(soko.WrongPINsForget + time.Hour)
		if n, err := claim(); err != nil || n != 1 {
			t.Fatalf("a guess after a quiet day: count %d, %v", n, err)
		}
	})
}
