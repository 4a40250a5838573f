package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestConsole_ConsolidateInBrowser: on SO-1's page the supervisor 伊藤
// tries to ship it with an order to someone else (refused, saying why),
// merges it with SO-2 to the same customer, sees the group with links to
// both orders and the merge in the history, then separates them again.
func TestConsole_ConsolidateInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	seed := opsSeed()
	seed.Merchants[0].Consolidate = true
	seed.Stock = []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 10}}}
	for i, name := range []string{"山田", "山田", "佐藤"} {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number: fmt.Sprintf("SO-%d", i+1), Carrier: "yamato", Service: "takkyubin",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: name, Phone: "090-1234-5678"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1650, TaxRate: 10}},
		}})
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }}))
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+fmt.Sprintf("/console#order/%d", seed.Orders[0].ID), screen{1366, 768, false})}
	c.signIn("V001", "5555")
	c.waitFor("SO-1's page", `!document.getElementById('order-body').hidden && document.getElementById('order-title').textContent === '注文 SO-1'`)
	if got := c.text("#order-group"); got != "この注文は単独で出荷します" {
		t.Errorf("the 同梱 section reads %q", got)
	}
	if c.eval(`String(document.getElementById('order-unmerge').hidden)`) != "true" {
		t.Errorf("separating is offered for an order in no group")
	}

	c.fill("#order-merge-with", "SO-3")
	c.click(`#order-merge button[type=submit]`)
	c.wantMsg("order-msg", "error", "お届け先（氏名・郵便番号・住所・電話番号）が違います")

	c.fill("#order-merge-with", "SO-2")
	c.click(`#order-merge button[type=submit]`)
	c.wantMsg("order-msg", "ok", "同梱しました")
	if got := c.text("#order-group"); !strings.Contains(got, "SO-1 の荷物で一緒に出荷します") || !strings.Contains(got, "SO-2") {
		t.Errorf("after merging the section reads %q", got)
	}
	if got := c.eval(`Array.from(document.querySelectorAll('#order-group a')).map(function(a){return a.textContent + '=' + a.getAttribute('href')}).join(' ')`); got != fmt.Sprintf("SO-1=#order/%d SO-2=#order/%d", seed.Orders[0].ID, seed.Orders[1].ID) {
		t.Errorf("the group links %q", got)
	}
	if merged := c.text(`#order-timeline tr[data-action="consolidate"]`); !strings.Contains(merged, "同梱") || !strings.Contains(merged, "伊藤") || !strings.Contains(merged, "by hand") {
		t.Errorf("the history's merge reads %q", merged)
	}
	c.shot("order-consolidated")

	c.click("#order-unmerge")
	c.wantMsg("order-msg", "ok", "同梱を解除しました")
	if got := c.text("#order-group"); got != "この注文は単独で出荷します" {
		t.Errorf("after separating the section reads %q", got)
	}
	if separated := c.text(`#order-timeline tr[data-action="unconsolidate"]`); !strings.Contains(separated, "同梱解除") || !strings.Contains(separated, "伊藤") {
		t.Errorf("the history's separation reads %q", separated)
	}
	c.checkClean()
}
