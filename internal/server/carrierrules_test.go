package server

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// An order for Sagawa whose recipient e飛伝 cannot take is refused when it
// comes in, naming the field and the limit in the client's language
// (issue 22, finding 3), instead of being left out of the export later.
func TestAPI_OrderRefusesWhatTheCarrierCannotTake(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{BodyLimit: "64K"})
	shop := client{t, h, keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	o := order("SO-SAGAWA", line("MUG-1", 1))
	o["carrier"], o["service"] = "sagawa", "hikyaku"
	// Half-width letters fit B2's bytes, but not e飛伝's three address
	// columns of 16 characters.
	to := o["ship_to"].(map[string]any)
	to["address1"], to["address2"] = strings.Repeat("a", 34)+"1-9-1", strings.Repeat("b", 30)

	r := shop.do("POST", "/api/v1/orders", o)
	if r.Status != 422 || !contains(r.fields(), "ship_to.address1") || !strings.Contains(string(r.Raw), "16文字") {
		t.Fatalf("%d %s; want 422 naming ship_to.address1 and its 16 characters", r.Status, r.Raw)
	}
	r = shop.do("POST", "/api/v1/orders", o, "Accept-Language", "en")
	if r.Status != 422 || !strings.Contains(string(r.Raw), "16 characters") {
		t.Fatalf("English: %d %s", r.Status, r.Raw)
	}

	// The same address goes by Yamato, whose B2 counts bytes.
	o["carrier"], o["service"] = "yamato", "takkyubin"
	shop.must(201, "POST", "/api/v1/orders", o)
}

// A name soko rewrites so that carriers can print it comes back as a
// warning in the answer, in the client's language (issue 22, point 8):
// the shop sees that 髙橋 ①郎 will be labelled 髙橋 1郎. Width alone
// (full-width letters, half-width katakana) is no warning.
func TestAPI_CreateOrderWarnsOfRewrittenNames(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{BodyLimit: "64K"})
	shop := client{t, h, keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	o := order("SO-W1", line("MUG-1", 1))
	o["ship_to"].(map[string]any)["name"] = "髙橋 ①郎"
	r := shop.must(201, "POST", "/api/v1/orders", o)
	ws, _ := r.JSON["warnings"].([]any)
	if len(ws) != 1 {
		t.Fatalf("warnings %v, want one: %s", r.JSON["warnings"], r.Raw)
	}
	w := ws[0].(map[string]any)
	if w["field"] != "ship_to.name" || w["sent"] != "髙橋 ①郎" || w["stored"] != "髙橋 1郎" || !strings.Contains(w["message"].(string), "置き換え") {
		t.Errorf("warning = %v", w)
	}

	o = order("SO-W2", line("MUG-1", 1))
	o["ship_to"].(map[string]any)["name"] = "ﾔﾏﾀﾞ ＴＡＲＯ"
	r = shop.must(201, "POST", "/api/v1/orders", o, "Accept-Language", "en")
	if _, ok := r.JSON["warnings"]; ok {
		t.Errorf("width alone warned: %s", r.Raw)
	}
	o = order("SO-W3", line("MUG-1", 1))
	o["ship_to"].(map[string]any)["company"] = "㈱さくら"
	r = shop.do("POST", "/api/v1/orders", o, "Accept-Language", "en")
	if !strings.Contains(string(r.Raw), "label software can print") {
		t.Errorf("English warning missing: %s", r.Raw)
	}
}

// The order CSV preview shows a name it will store rewritten for labels
// (issue 22, point 8); a file without one shows an empty list.
func TestOrderImport_PreviewWarnsOfRewrittenNames(t *testing.T) {
	h, seed := mustImportServer(t, storagetest.MustOpenSQLite(t))
	sup := signIn(t, h, "V001", "5555")
	q := "?merchant_id=" + itoa64(seed.Merchants[0].ID)
	p := decodePreview(t, sup.upload("/ops/order-imports/preview"+q, sjis(t, importHeader+goodRows+
		"W-5,yamato,宅急便,,100-0005,東京都,千代田区,丸の内1-9-1,髙橋 ①郎,03-3211-4821,TOWEL-WHT,1\r\n")))
	if p.ProblemCount != 0 || len(p.Warnings) != 1 {
		t.Fatalf("preview %+v, want no problem and one warning", p)
	}
	if w := p.Warnings[0]; w.Row != 5 || w.OrderNo != "W-5" || w.Field != "氏名" || !strings.Contains(w.Message, "髙橋 1郎") {
		t.Errorf("warning = %+v", w)
	}
	p = decodePreview(t, sup.upload("/ops/order-imports/preview"+q, sjis(t, importHeader+goodRows)))
	if p.Warnings == nil || len(p.Warnings) != 0 {
		t.Errorf("warnings = %#v, want an empty list", p.Warnings)
	}
}
