package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"

	"github.com/soko-wms/soko/internal/gs1"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// loadWorld is what --setup made and a run needs to act as the merchants'
// systems and the floor's staff: secrets, so it is written only for its owner.
type loadWorld struct {
	Merchants  []loadMerchant `json:"merchants"`
	Pickers    []loadBadge    `json:"pickers"`
	Packers    []loadBadge    `json:"packers"`
	Shippers   []loadBadge    `json:"shippers"`
	Supervisor loadBadge      `json:"supervisor"`
	// Webhook is the loopback address the merchants' endpoints point at.
	Webhook string `json:"webhook,omitempty"`
}

type loadMerchant struct {
	Code     string        `json:"code"`
	Key      string        `json:"key"`
	Secret   string        `json:"webhook_secret,omitempty"`
	Products []loadProduct `json:"products"`
}

type loadProduct struct {
	SKU string `json:"sku"`
	JAN string `json:"jan"`
}

type loadBadge struct {
	Badge string `json:"badge"`
	PIN   string `json:"pin"`
}

// setup writes the load run's warehouse into an empty database: the
// merchants with their keys (and webhook endpoints), products with JANs
// stocked on pick shelves for every order to come, the floor's staff, box
// types and tracking-number ranges; and the world file a run reads.
func setup(ctx context.Context, dbURL string, o loadOptions, out io.Writer) error {
	db, err := openDB(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := db.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("the database %s already holds data: soko-load --setup needs an empty one", redacted(dbURL))
	}
	rng := rand.New(rand.NewPCG(o.seed, 0x50c0))
	seed, world := loadSeed(o, rng)
	if err := db.Load(ctx, seed); err != nil {
		return fmt.Errorf("cannot write the load warehouse: %s", errorLine(err))
	}
	if err := loadStaff(ctx, db, world); err != nil {
		return err
	}
	for i, c := range loadCarriers {
		first := int64(30_000_000_000 + i*10_000_000_000)
		r := &soko.TrackingRange{Carrier: c.code, First: first, Last: first + int64(o.orders)*4 + 10_000}
		if err := db.CreateTrackingRange(ctx, r); err != nil {
			return fmt.Errorf("cannot register %s's tracking numbers: %s", c.code, errorLine(err))
		}
	}
	if o.webhook {
		// A free port now, for the run to listen on later.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		world.Webhook = ln.Addr().String()
		ln.Close()
		for i := range world.Merchants {
			m := &world.Merchants[i]
			ep := &soko.WebhookEndpoint{MerchantID: seed.Merchants[i].ID, URL: "http://" + world.Webhook + "/soko/events/" + m.Code, Active: true}
			if _, err := db.PutWebhookEndpoint(ctx, ep, false); err != nil {
				return fmt.Errorf("cannot set %s's webhook endpoint: %s", m.Code, errorLine(err))
			}
			m.Secret = ep.Secret
		}
	}
	data, err := json.MarshalIndent(world, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.world, data, 0o600); err != nil {
		return fmt.Errorf("cannot write --world: %v", err)
	}
	units := 0
	for _, s := range seed.Stock {
		units += s.OnHand
	}
	fmt.Fprintf(out, "load warehouse: %d merchants, %d products, %d pick locations, %d units on hand; %d pickers, %d packers, %d shippers, 1 supervisor; tracking numbers for %d parcels per carrier",
		len(seed.Merchants), len(seed.Products), len(seed.Locations), units, len(world.Pickers), len(world.Packers), len(world.Shippers), o.orders*4+10_001)
	if world.Webhook != "" {
		fmt.Fprintf(out, "; webhooks to %s", world.Webhook)
	}
	fmt.Fprintf(out, "\nlogins and API keys written to %s\n", o.world)
	return nil
}

// loadSeed makes the warehouse: products of a few sizes that fit the boxes,
// each on its own shelf along the walk, with stock for every order to come.
func loadSeed(o loadOptions, rng *rand.Rand) (*soko.Seed, *loadWorld) {
	s := &soko.Seed{BoxTypes: []soko.BoxType{
		{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 250, InnerWidthMM: 180, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60},
		{Code: "BOX80", Name: "80サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 190, MaxWeightGrams: 5000, TareGrams: 250, SizeClass: 80},
		{Code: "BOX100", Name: "100サイズ", InnerLengthMM: 400, InnerWidthMM: 300, InnerHeightMM: 250, MaxWeightGrams: 10000, TareGrams: 400, SizeClass: 100},
	}}
	w := &loadWorld{}
	// At most 3 lines of at most 2 units per order, spread over every product.
	perProduct := 6*o.orders/(o.merchants*o.products) + 20
	shelf := 0
	for m := range o.merchants {
		code := fmt.Sprintf("LOAD%c", 'A'+m)
		s.Merchants = append(s.Merchants, soko.Merchant{Code: code, Name: fmt.Sprintf("負荷試験商店%c", 'A'+m), Sender: soko.Address{
			PostalCode: "1110032", Prefecture: "東京都", City: "台東区", Street: fmt.Sprintf("浅草2-3-%d", m+1),
			Name: fmt.Sprintf("負荷試験商店%c 通販係", 'A'+m), Phone: "03-3841-0001", Email: fmt.Sprintf("shop%c@load.example", 'a'+m),
		}})
		secret, _, _ := soko.NewAPIKeySecret()
		s.APIKeys = append(s.APIKeys, soko.SeedAPIKey{MerchantCode: code, Name: "soko-load", Secret: secret})
		lm := loadMerchant{Code: code, Key: secret}
		for p := range o.products {
			shelf++
			sku := fmt.Sprintf("%s-%04d", code, p+1)
			body := fmt.Sprintf("49%02d%08d", m+10, p+1)
			digit, _ := gs1.CheckDigit(body)
			jan := body + strconv.Itoa(digit)
			s.Products = append(s.Products, soko.SeedProduct{MerchantCode: code, Product: soko.Product{
				SKU: sku, Name: fmt.Sprintf("負荷試験商品 %s", sku), Price: int64(500 + 100*rng.IntN(30)), TaxRate: 10,
				WeightGrams: 80 + rng.IntN(420), LengthMM: 80 + rng.IntN(120), WidthMM: 60 + rng.IntN(80), HeightMM: 20 + rng.IntN(60),
				Barcodes: []soko.ProductBarcode{{Code: jan, PackQuantity: 1}},
			}})
			lm.Products = append(lm.Products, loadProduct{SKU: sku, JAN: jan})
			zone := string(rune('A' + (shelf-1)/200))
			loc := soko.Location{Code: fmt.Sprintf("%s-%02d-%02d-%d", zone, (shelf-1)%200/20+1, (shelf-1)%20/2+1, (shelf-1)%2+1),
				Zone: zone, WalkSequence: shelf * 10, Kind: soko.LocationPick}
			s.Locations = append(s.Locations, loc)
			s.Stock = append(s.Stock, soko.SeedStock{MerchantCode: code, SKU: sku, LocationCode: loc.Code, Stock: soko.Stock{OnHand: perProduct}})
		}
		w.Merchants = append(w.Merchants, lm)
	}
	pin := func() string { return fmt.Sprintf("%06d", rng.IntN(1_000_000)) }
	for i := range o.handhelds {
		w.Pickers = append(w.Pickers, loadBadge{fmt.Sprintf("P%04d", i+1), pin()})
	}
	for i := range o.stations {
		w.Packers = append(w.Packers, loadBadge{fmt.Sprintf("K%03d", i+1), pin()})
	}
	for i := range loadCarriers {
		w.Shippers = append(w.Shippers, loadBadge{fmt.Sprintf("S%03d", i+1), pin()})
	}
	w.Supervisor = loadBadge{"V001", pin()}
	return s, w
}

// loadStaff creates the world's staff, stretching their PINs on every core:
// a PIN hash is deliberately slow.
func loadStaff(ctx context.Context, db *storage.DB, w *loadWorld) error {
	type member struct {
		badge loadBadge
		role  soko.Role
		name  string
	}
	var all []member
	for i, b := range w.Pickers {
		all = append(all, member{b, soko.RolePicker, fmt.Sprintf("ピッカー%d", i+1)})
	}
	for i, b := range w.Packers {
		all = append(all, member{b, soko.RolePacker, fmt.Sprintf("梱包担当%d", i+1)})
	}
	for i, b := range w.Shippers {
		all = append(all, member{b, soko.RoleShipper, fmt.Sprintf("出荷担当%d", i+1)})
	}
	all = append(all, member{w.Supervisor, soko.RoleSupervisor, "現場責任者"})
	jobs := make(chan member)
	errs := make(chan error, len(all))
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range jobs {
				hash, err := soko.HashPIN(m.badge.PIN)
				if err == nil {
					err = db.CreateStaff(ctx, &soko.Staff{BadgeCode: m.badge.Badge, Name: m.name, Role: m.role, PINHash: hash, Active: true})
				}
				if err != nil {
					errs <- fmt.Errorf("cannot create staff %s: %s", m.badge.Badge, errorLine(err))
				}
			}
		}()
	}
	for _, m := range all {
		jobs <- m
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return <-errs
}
