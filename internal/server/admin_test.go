package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

const (
	pinAdmin      = "8642"
	keyAdminTests = "soko_admintestkeycccccccccccccccccccc"
)

// adminSeed is a warehouse an admin runs: two merchants, one with a key,
// an admin, a supervisor and a picker, a zone of shelves and two boxes.
func adminSeed() *soko.Seed {
	return &soko.Seed{
		Merchants: []soko.Merchant{
			{Code: "SAKURA", Name: "さくら雑貨店", Sender: soko.Address{PostalCode: "1110032", Prefecture: "東京都", City: "台東区", Street: "浅草2-3-1", Name: "さくら雑貨店", Phone: "03-3841-0001"}},
			{Code: "MIDORI", Name: "みどり食品"},
		},
		APIKeys: []soko.SeedAPIKey{{MerchantCode: "MIDORI", Name: "old", Secret: keyAdminTests}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "A001", Name: "高橋 管理", Role: soko.RoleAdmin, Active: true}, PIN: pinAdmin},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
		},
		Locations: []soko.Location{
			{Code: "A-01-01-1", Zone: "A", WalkSequence: 10, Kind: soko.LocationPick},
			{Code: "A-01-02-1", Zone: "A", WalkSequence: 20, Kind: soko.LocationPick},
		},
		BoxTypes: []soko.BoxType{
			{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 250, InnerWidthMM: 180, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60},
		},
	}
}

// adminSite is a server on a fresh database holding adminSeed.
type adminSite struct {
	h    http.Handler
	db   *storage.DB
	seed *soko.Seed
}

func mustAdminSite(t *testing.T) *adminSite {
	t.Helper()
	db := storagetest.MustOpenSQLite(t)
	seed := adminSeed()
	if err := db.Load(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	h := New(Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WarehouseName: "東京第一倉庫",
		Now: func() time.Time { return storagetest.Fixed }, RatePerSecond: 10000, RateBurst: 10000,
	})
	return &adminSite{h: h, db: db, seed: seed}
}

// inJapanese reports whether s has kana or kanji: a refusal people on the
// floor can read.
func inJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestAdmin_ChangesAreForAdmins sends every administration change first as
// a supervisor, who is refused (403) without anything changing, then as
// the admin, whose change goes through; floor roles may not even read.
func TestAdmin_ChangesAreForAdmins(t *testing.T) {
	site := mustAdminSite(t)
	admin, sup := signIn(t, site.h, "A001", pinAdmin), signIn(t, site.h, "V001", "5555")
	if r := signIn(t, site.h, "P001", "1111").op("GET", "/ops/admin/staff", nil, ""); r.Status != 403 {
		t.Errorf("a picker listing staff: %d, want 403", r.Status)
	}
	sakura := fmt.Sprint(site.seed.Merchants[0].ID)
	picker := fmt.Sprint(site.seed.Staff[2].ID)
	box := fmt.Sprint(site.seed.BoxTypes[0].ID)
	loc := fmt.Sprint(site.seed.Locations[0].ID)
	var keyID string
	sender := map[string]any{"postal_code": "111-0032", "prefecture": "東京都", "city": "台東区", "address1": "浅草2-3-1", "name": "さくら雑貨店"}
	changes := []struct {
		name, method string
		path         func() string
		body         any
		want         int
		keep         func(r reply)
	}{
		{"add a merchant", "POST", func() string { return "/ops/admin/merchants" }, map[string]any{"code": "kaede", "name": "かえで書房"}, 201, nil},
		{"edit a merchant", "PUT", func() string { return "/ops/admin/merchants/" + sakura }, map[string]any{"name": "さくら雑貨店", "sender": sender, "slip_message": "またのご利用を", "allow_partial": true}, 200, nil},
		{"add staff", "POST", func() string { return "/ops/admin/staff" }, map[string]any{"badge_code": "K010", "name": "新人", "role": "packer"}, 201, nil},
		{"change a role", "PUT", func() string { return "/ops/admin/staff/" + picker }, map[string]any{"name": "田中", "role": "shipper", "active": true}, 200, nil},
		{"deactivate", "PUT", func() string { return "/ops/admin/staff/" + picker }, map[string]any{"name": "田中", "role": "shipper", "active": false}, 200, nil},
		{"reset a PIN", "POST", func() string { return "/ops/admin/staff/" + picker + "/pin" }, map[string]any{}, 200, nil},
		{"make an API key", "POST", func() string { return "/ops/admin/merchants/" + sakura + "/api-keys" }, map[string]any{"name": "Shopify"}, 201,
			func(r reply) { keyID = fmt.Sprint(decode[api.AdminAPIKey](t, r).Id) }},
		{"revoke an API key", "POST", func() string { return "/ops/admin/merchants/" + sakura + "/api-keys/" + keyID + "/revoke" }, nil, 200, nil},
		{"set the webhook", "PUT", func() string { return "/ops/admin/merchants/" + sakura + "/webhook-endpoint" }, map[string]any{"url": "https://203.0.113.10/hooks"}, 200, nil},
		{"add a box", "POST", func() string { return "/ops/admin/box-types" }, map[string]any{"code": "BOX80", "name": "80サイズ", "inner_length_mm": 330, "inner_width_mm": 240, "inner_height_mm": 190, "max_weight_grams": 5000, "size_class": 80}, 201, nil},
		{"edit a box", "PUT", func() string { return "/ops/admin/box-types/" + box }, map[string]any{"name": "60サイズ（厚手）", "inner_length_mm": 250, "inner_width_mm": 180, "inner_height_mm": 120, "max_weight_grams": 2500, "size_class": 60}, 200, nil},
		{"add a location", "POST", func() string { return "/ops/admin/locations" }, map[string]any{"code": "b-01-01-1", "zone": "b", "kind": "reserve", "walk_sequence": 100}, 201, nil},
		{"move a location", "PUT", func() string { return "/ops/admin/locations/" + loc + "/walk-sequence" }, map[string]any{"walk_sequence": 30}, 200, nil},
		{"set a carrier contract", "PUT", func() string { return "/ops/admin/carrier-accounts/yamato" }, map[string]any{"billing_code": "0312345678", "freight_number": "01"}, 200, nil},
		{"remove a carrier contract", "DELETE", func() string { return "/ops/admin/carrier-accounts/yamato" }, nil, 204, nil},
	}
	// state is everything the admin sections show.
	state := func() string {
		var b strings.Builder
		for _, path := range []string{"/ops/admin/merchants", "/ops/admin/staff", "/ops/admin/box-types", "/ops/admin/locations", "/ops/admin/carrier-accounts",
			"/ops/admin/merchants/" + sakura + "/api-keys", "/ops/admin/merchants/" + sakura + "/webhook-endpoint"} {
			b.Write(admin.op("GET", path, nil, "").Raw)
		}
		return b.String()
	}
	for _, c := range changes {
		before := state()
		r := sup.op(c.method, c.path(), c.body, sup.csrf)
		if r.Status != 403 || !strings.Contains(decode[api.Problem](t, r).Detail, "権限がありません") {
			t.Errorf("%s as a supervisor: %d %s, want 403 in Japanese", c.name, r.Status, r.Raw)
		}
		if state() != before {
			t.Errorf("%s as a supervisor changed something", c.name)
		}
		r = admin.op(c.method, c.path(), c.body, admin.csrf)
		if r.Status != c.want {
			t.Errorf("%s as the admin: %d %s, want %d", c.name, r.Status, r.Raw, c.want)
			continue
		}
		if c.keep != nil {
			c.keep(r)
		}
	}

	ctx := context.Background()
	if m, err := site.db.FindMerchantByCode(ctx, "KAEDE"); err != nil || m.Name != "かえで書房" {
		t.Errorf("the new merchant (code upper-cased): %+v %v", m, err)
	}
	if m, _ := site.db.FindMerchantByCode(ctx, "SAKURA"); m.Sender.PostalCode != "1110032" || m.SlipMessage != "またのご利用を" || !m.AllowPartial {
		t.Errorf("the edited merchant (postal code normalised): %+v", m)
	}
	if p, _ := site.db.StaffByID(ctx, site.seed.Staff[2].ID); p.Role != soko.RoleShipper || p.Active {
		t.Errorf("the picker after the changes: %+v", p)
	}
	if l, _ := site.db.FindLocation(ctx, "B-01-01-1"); l == nil || l.Zone != "B" {
		t.Errorf("the new location (upper-cased): %+v", l)
	}
	if l, _ := site.db.FindLocation(ctx, "A-01-01-1"); l.WalkSequence != 30 {
		t.Errorf("walk sequence after the move: %d", l.WalkSequence)
	}

	// Supervisors read what a shift needs; keys and webhooks are admins' alone.
	for path, want := range map[string]int{
		"/ops/admin/merchants": 200, "/ops/admin/staff": 200, "/ops/admin/box-types": 200, "/ops/admin/locations?zone=A": 200,
		"/ops/admin/staff-badges.pdf":                          200,
		"/ops/admin/merchants/" + sakura + "/api-keys":         403,
		"/ops/admin/merchants/" + sakura + "/webhook-endpoint": 403,
	} {
		if r := sup.op("GET", path, nil, ""); r.Status != want {
			t.Errorf("a supervisor GET %s: %d, want %d", path, r.Status, want)
		}
		if r := admin.op("GET", path, nil, ""); r.Status != 200 {
			t.Errorf("the admin GET %s: %d", path, r.Status)
		}
	}
}

// TestAdmin_BadInputIsRefusedInJapanese sends what an admin gets wrong:
// each is a 4xx naming the problem in Japanese, never a 500.
func TestAdmin_BadInputIsRefusedInJapanese(t *testing.T) {
	site := mustAdminSite(t)
	admin := signIn(t, site.h, "A001", pinAdmin)
	self := fmt.Sprint(site.seed.Staff[0].ID)
	sakura, midori := fmt.Sprint(site.seed.Merchants[0].ID), fmt.Sprint(site.seed.Merchants[1].ID)
	key := admin.op("POST", "/ops/admin/merchants/"+midori+"/api-keys", map[string]any{}, admin.csrf)
	if key.Status != 201 {
		t.Fatalf("make a key: %d %s", key.Status, key.Raw)
	}
	goodSender := map[string]any{"postal_code": "1110032", "prefecture": "東京都", "city": "台東区", "address1": "浅草2-3-1", "name": "さくら雑貨店"}
	withSender := func(k, v string) map[string]any {
		s := map[string]any{}
		for kk, vv := range goodSender {
			s[kk] = vv
		}
		s[k] = v
		return map[string]any{"name": "さくら雑貨店", "sender": s}
	}
	for _, c := range []struct {
		name, method, path string
		body               any
		status             int
		detail             string // part of the Japanese detail
		field              string // a field the answer names
	}{
		{"duplicate badge", "POST", "/ops/admin/staff", map[string]any{"badge_code": "v001", "name": "二人目", "role": "picker"}, 409, "バッジ V001 はすでに使われています", ""},
		{"bad badge", "POST", "/ops/admin/staff", map[string]any{"badge_code": "山本", "name": "山本", "role": "picker"}, 422, "バッジコード", "badge_code"},
		{"short PIN", "POST", "/ops/admin/staff", map[string]any{"badge_code": "P777", "name": "x", "role": "picker", "pin": "12"}, 422, "PINは4〜8桁", "pin"},
		{"unknown role", "POST", "/ops/admin/staff", map[string]any{"badge_code": "P778", "name": "x", "role": "boss"}, 422, "", "role"},
		{"admin PIN 0000", "POST", "/ops/admin/staff", map[string]any{"badge_code": "A777", "name": "x", "role": "admin", "pin": "0000"}, 422, "PINは6〜8桁", "pin"},
		{"supervisor PIN of four digits", "POST", "/ops/admin/staff", map[string]any{"badge_code": "V777", "name": "x", "role": "supervisor", "pin": "7294"}, 422, "PINは6〜8桁", "pin"},
		{"picker PIN 1234", "POST", "/ops/admin/staff", map[string]any{"badge_code": "P779", "name": "x", "role": "picker", "pin": "1234"}, 422, "推測されやすい", "pin"},
		{"PIN of the badge's digits", "POST", "/ops/admin/staff", map[string]any{"badge_code": "P2580", "name": "x", "role": "picker", "pin": "2580"}, 422, "推測されやすい", "pin"},
		{"reset to a trivial PIN", "POST", "/ops/admin/staff/" + self + "/pin", map[string]any{"pin": "111111"}, 422, "推測されやすい", "pin"},
		{"deactivate yourself", "PUT", "/ops/admin/staff/" + self, map[string]any{"name": "高橋 管理", "role": "admin", "active": false}, 409, "自分自身を無効に", ""},
		{"demote yourself", "PUT", "/ops/admin/staff/" + self, map[string]any{"name": "高橋 管理", "role": "supervisor", "active": true}, 409, "管理者権限を外す", ""},
		{"unknown staff", "POST", "/ops/admin/staff/99999/pin", map[string]any{}, 404, "スタッフが見つかりません", ""},
		{"postal code outside the prefecture", "PUT", "/ops/admin/merchants/" + sakura, withSender("postal_code", "0600001"), 422, "ご依頼主の住所に誤りがあります", "sender.postal_code"},
		{"postal code of 5 digits", "PUT", "/ops/admin/merchants/" + sakura, withSender("postal_code", "11100"), 422, "ご依頼主", "sender.postal_code"},
		{"no street", "PUT", "/ops/admin/merchants/" + sakura, withSender("address1", ""), 422, "ご依頼主", "sender.address1"},
		{"bad phone", "PUT", "/ops/admin/merchants/" + sakura, withSender("phone", "12345"), 422, "ご依頼主", "sender.phone"},
		{"registration number with a wrong check digit", "PUT", "/ops/admin/merchants/" + sakura,
			map[string]any{"name": "さくら雑貨店", "sender": goodSender, "invoice_number": "T8010705000725"}, 422, "", "invoice_number"},
		{"unknown merchant", "PUT", "/ops/admin/merchants/99999", withSender("city", "台東区"), 404, "荷主が見つかりません", ""},
		{"duplicate merchant", "POST", "/ops/admin/merchants", map[string]any{"code": "sakura", "name": "別の店"}, 409, "荷主コード SAKURA はすでに登録されています", ""},
		{"bad merchant code", "POST", "/ops/admin/merchants", map[string]any{"code": "さくら", "name": "x"}, 422, "荷主コード", "code"},
		{"another merchant's key", "POST", "/ops/admin/merchants/" + sakura + "/api-keys/" + fmt.Sprint(decode[api.AdminAPIKey](t, key).Id) + "/revoke", nil, 404, "この荷主のAPIキーではありません", ""},
		{"keys of nobody", "GET", "/ops/admin/merchants/99999/api-keys", nil, 404, "荷主が見つかりません", ""},
		{"webhook to loopback", "PUT", "/ops/admin/merchants/" + sakura + "/webhook-endpoint", map[string]any{"url": "https://127.0.0.1/hook"}, 422, "内部ネットワーク", "url"},
		{"webhook over http", "PUT", "/ops/admin/merchants/" + sakura + "/webhook-endpoint", map[string]any{"url": "http://203.0.113.10/hook"}, 422, "https", "url"},
		{"webhook event unknown", "PUT", "/ops/admin/merchants/" + sakura + "/webhook-endpoint", map[string]any{"url": "https://203.0.113.10/hook", "event_types": []string{"order.lost"}}, 422, "", "event_types[0]"},
		{"thin box without service", "POST", "/ops/admin/box-types", map[string]any{"code": "THIN", "name": "薄型", "inner_length_mm": 310, "inner_width_mm": 225, "inner_height_mm": 25, "max_weight_grams": 1000, "thin": true}, 422, "箱の内容に誤りがあります", "service"},
		{"nekopos box not thin", "POST", "/ops/admin/box-types", map[string]any{"code": "NP", "name": "ネコポス", "inner_length_mm": 310, "inner_width_mm": 225, "inner_height_mm": 25, "max_weight_grams": 1000, "service": "nekopos"}, 422, "", "thin"},
		{"size class nobody has", "POST", "/ops/admin/box-types", map[string]any{"code": "B90", "name": "90", "inner_length_mm": 1, "inner_width_mm": 1, "inner_height_mm": 1, "max_weight_grams": 1, "size_class": 90}, 422, "", "size_class"},
		{"box of no size", "POST", "/ops/admin/box-types", map[string]any{"code": "B0", "name": "0", "inner_length_mm": 0, "inner_width_mm": 1, "inner_height_mm": 1, "max_weight_grams": 1}, 422, "リクエストの内容に誤りがあります", "inner_length_mm"},
		{"duplicate box", "POST", "/ops/admin/box-types", map[string]any{"code": "box60", "name": "60", "inner_length_mm": 1, "inner_width_mm": 1, "inner_height_mm": 1, "max_weight_grams": 1}, 409, "箱コード BOX60 はすでに登録されています", ""},
		{"unknown box", "PUT", "/ops/admin/box-types/99999", map[string]any{"name": "x", "inner_length_mm": 1, "inner_width_mm": 1, "inner_height_mm": 1, "max_weight_grams": 1}, 404, "箱が見つかりません", ""},
		{"location code with kanji", "POST", "/ops/admin/locations", map[string]any{"code": "棚-1", "zone": "A", "kind": "pick", "walk_sequence": 1}, 422, "ロケーションの内容に誤りがあります", "code"},
		{"location code too long for its label", "POST", "/ops/admin/locations", map[string]any{"code": "A-01-01-01-01-01-1", "zone": "A", "kind": "pick", "walk_sequence": 1}, 422, "", "code"},
		{"duplicate location", "POST", "/ops/admin/locations", map[string]any{"code": "a-01-01-1", "zone": "A", "kind": "pick", "walk_sequence": 1}, 409, "ロケーション A-01-01-1 はすでに登録されています", ""},
		{"negative walk", "PUT", "/ops/admin/locations/" + fmt.Sprint(site.seed.Locations[0].ID) + "/walk-sequence", map[string]any{"walk_sequence": -1}, 422, "", "walk_sequence"},
		{"unknown location", "PUT", "/ops/admin/locations/99999/walk-sequence", map[string]any{"walk_sequence": 1}, 404, "ロケーションが見つかりません", ""},
		{"no such staff to print", "GET", "/ops/admin/staff-badges.pdf?staff_id=99999", nil, 404, "スタッフが見つかりません", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := admin.op(c.method, c.path, c.body, admin.csrf)
			if r.Status != c.status {
				t.Fatalf("%d %s, want %d with %q", r.Status, r.Raw, c.status, c.detail)
			}
			p := decode[api.Problem](t, r)
			if detail := p.Detail; !inJapanese(detail) || !strings.Contains(detail, c.detail) {
				t.Fatalf("%d %q, want %d with %q", r.Status, detail, c.status, c.detail)
			}
			if c.field != "" && !contains(r.fields(), c.field) {
				t.Errorf("the answer names %v, want %s", r.fields(), c.field)
			}
			if p.Errors != nil && len(*p.Errors) > 0 {
				if m := (*p.Errors)[0].Message; !inJapanese(m) {
					t.Errorf("field message %q is not Japanese", m)
				}
			}
		})
	}
	if s, _ := site.db.StaffByID(context.Background(), site.seed.Staff[0].ID); !s.Active || s.Role != soko.RoleAdmin {
		t.Errorf("the admin after refusing to change themselves: %+v", s)
	}
	if m, _ := site.db.FindMerchantByCode(context.Background(), "SAKURA"); m.Sender.PostalCode != "1110032" || m.InvoiceNumber != "" {
		t.Errorf("a refused sender or registration number was saved: %+v", m)
	}
	// Typed full-width with hyphens, it is kept in its printed form.
	r := admin.op("PUT", "/ops/admin/merchants/"+sakura, map[string]any{"name": "さくら雑貨店", "sender": goodSender, "invoice_number": "Ｔ７０１０-７０５０-００７２５"}, admin.csrf)
	if r.Status != 200 || decode[api.AdminMerchant](t, r).InvoiceNumber != "T7010705000725" {
		t.Errorf("registration number: %d %s", r.Status, r.Raw)
	}
}

// TestAdmin_StaffPINShownOnce: a PIN soko makes is answered once, opens
// the handheld's sign-in, and is not in any list; a reset replaces it,
// unlocks the badge and signs the member out elsewhere.
func TestAdmin_StaffPINShownOnce(t *testing.T) {
	site := mustAdminSite(t)
	admin := signIn(t, site.h, "A001", pinAdmin)
	r := admin.op("POST", "/ops/admin/staff", map[string]any{"badge_code": " k010 ", "name": " 中村 結衣 ", "role": "packer"}, admin.csrf)
	if r.Status != 201 {
		t.Fatalf("add staff: %d %s, want a 6-digit PIN", r.Status, r.Raw)
	}
	added := decode[api.AdminStaffPIN](t, r)
	if added.Pin == nil || !regexp.MustCompile(`^[0-9]{6}$`).MatchString(*added.Pin) {
		t.Fatalf("add staff: %d %s, want a 6-digit PIN", r.Status, r.Raw)
	}
	pin, st := *added.Pin, added.Staff
	if st.BadgeCode != "K010" || st.Name != "中村 結衣" || !st.Active {
		t.Errorf("the new member: %+v", st)
	}
	packer := signIn(t, site.h, "K010", pin)
	if me := decode[api.StaffSession](t, packer.op("GET", "/ops/session", nil, "")); me.Role != "packer" {
		t.Errorf("signed in as %v", me.Role)
	}
	list := admin.op("GET", "/ops/admin/staff", nil, "")
	if strings.Contains(string(list.Raw), pin) || strings.Contains(string(list.Raw), "pbkdf2") {
		t.Errorf("the staff list shows a PIN or its hash: %s", list.Raw)
	}
	if r := admin.op("POST", "/ops/admin/staff", map[string]any{"name": "新人", "role": "picker", "pin": "7294"}, admin.csrf); r.Status != 201 ||
		!regexp.MustCompile(`^B[0-9]{8}$`).MatchString(decode[api.AdminStaffPIN](t, r).Staff.BadgeCode) {
		t.Fatalf("staff without a badge code: %d %s, want a random B + 8 digits", r.Status, r.Raw)
	}
	if r := admin.op("POST", "/ops/admin/staff", map[string]any{"badge_code": "K011", "name": "x", "role": "packer", "pin": "2468"}, admin.csrf); r.Status != 201 || decode[api.AdminStaffPIN](t, r).Pin != nil {
		t.Errorf("a PIN the admin chose is not answered back: %s", r.Raw)
	}

	anon := client{t, site.h, ""}
	for i := 0; i < soko.MaxWrongPINs; i++ {
		anon.do("POST", "/ops/session", map[string]any{"badge": "K010", "pin": "0000"})
	}
	if row := staffListed(t, admin, "K010"); row.LockedUntil == nil {
		t.Fatalf("five wrong PINs did not show the badge locked: %+v", row)
	}
	staffID := fmt.Sprint(st.Id)
	reset := admin.op("POST", "/ops/admin/staff/"+staffID+"/pin", map[string]any{}, admin.csrf)
	if reset.Status != 200 {
		t.Fatalf("reset: %d %s", reset.Status, reset.Raw)
	}
	answered := decode[api.AdminStaffPIN](t, reset)
	newPIN := ""
	if answered.Pin != nil {
		newPIN = *answered.Pin
	}
	if len(newPIN) != 6 || answered.Staff.LockedUntil != nil {
		t.Fatalf("reset: %d %s", reset.Status, reset.Raw)
	}
	if r := packer.op("GET", "/ops/session", nil, ""); r.Status != 401 {
		t.Errorf("the session signed in with the old PIN survived the reset: %d", r.Status)
	}
	if newPIN != pin {
		if r := anon.do("POST", "/ops/session", map[string]any{"badge": "K010", "pin": pin}); r.Status != 401 {
			t.Errorf("the old PIN still signs in: %d", r.Status)
		}
	}
	signIn(t, site.h, "K010", newPIN)
	if row := staffListed(t, admin, "K010"); row.LockedUntil != nil {
		t.Errorf("still locked after the reset: %v", row)
	}
}

// staffListed is the row of the staff list with badge.
func staffListed(t *testing.T, c staffClient, badge string) api.AdminStaff {
	t.Helper()
	for _, r := range decode[[]api.AdminStaff](t, c.op("GET", "/ops/admin/staff", nil, "")) {
		if r.BadgeCode == badge {
			return r
		}
	}
	t.Fatalf("%s is not in the staff list", badge)
	return api.AdminStaff{}
}

// TestAdmin_BadgeCards prints the cards of every active member, or of the
// members asked for in that order, with names, roles in Japanese, badge
// codes and the warehouse; a deactivated member is left out unless asked for.
func TestAdmin_BadgeCards(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext")
	site := mustAdminSite(t)
	admin, sup := signIn(t, site.h, "A001", pinAdmin), signIn(t, site.h, "V001", "5555")
	text := func(query string) string {
		t.Helper()
		r := sup.op("GET", "/ops/admin/staff-badges.pdf"+query, nil, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("badge cards%s: %d %s", query, r.Status, r.Raw)
		}
		path := filepath.Join(t.TempDir(), "badges.pdf")
		if err := os.WriteFile(path, r.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")), "")
	}
	all := text("")
	for _, want := range []string{"高橋管理", "管理者", "A001", "伊藤", "監督者", "V001", "田中", "ピッキング担当", "P001", "東京第一倉庫"} {
		if !strings.Contains(all, want) {
			t.Errorf("the cards lack %q: %s", want, all)
		}
	}
	picker := site.seed.Staff[2]
	if r := admin.op("PUT", fmt.Sprintf("/ops/admin/staff/%d", picker.ID), map[string]any{"name": "田中", "role": "picker", "active": false}, admin.csrf); r.Status != 200 {
		t.Fatalf("deactivate: %d %s", r.Status, r.Raw)
	}
	if all := text(""); strings.Contains(all, "P001") || !strings.Contains(all, "A001") {
		t.Errorf("after deactivating P001 the cards show: %s", all)
	}
	one := text(fmt.Sprintf("?staff_id=%d&staff_id=%d", picker.ID, site.seed.Staff[0].ID))
	if i, j := strings.Index(one, "P001"), strings.Index(one, "A001"); i < 0 || j < i || strings.Contains(one, "V001") {
		t.Errorf("cards asked for P001 then A001 show: %s", one)
	}
}
