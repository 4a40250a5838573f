package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/soko-wms/soko/internal/gs1"
	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// loadOptions are the flags of soko load.
type loadOptions struct {
	setup      bool
	world      string
	targets    []string
	orders     int
	handhelds  int
	stations   int
	merchants  int
	products   int
	apiClients int
	duration   time.Duration
	intake     time.Duration
	think      time.Duration
	waveSize   int
	truckEvery time.Duration
	acked      string
	webhook    bool
	seed       uint64
	// requireShipped makes the run fail unless every acknowledged order shipped.
	requireShipped bool
}

// loadCarriers are the carriers orders go by, each with the service they ask for.
var loadCarriers = []struct{ code, service string }{
	{"yamato", "takkyubin"}, {"sagawa", "hikyaku"}, {"japanpost", "yupack"},
}

// load runs soko load: --setup writes a warehouse for a load run into an
// empty database; otherwise it drives soko servers on this machine over
// HTTP as a warehouse day and prints what it measured.
func load(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o loadOptions
	fs.BoolVar(&o.setup, "setup", false, "write a load-test warehouse into the empty database of SOKO_DATABASE_URL, its logins into --world")
	fs.StringVar(&o.world, "world", "soko-load.json", "the file --setup writes and a run reads: API keys, badges and PINs, barcodes")
	targets := fs.String("targets", "", "comma-separated soko servers on this machine: http://127.0.0.1:PORT,…")
	fs.IntVar(&o.orders, "orders", 1000, "orders to send (--setup: orders to stock for)")
	fs.IntVar(&o.handhelds, "handhelds", 50, "picking handhelds (--setup: pickers to create)")
	fs.IntVar(&o.stations, "stations", 8, "packing stations (--setup: packers to create)")
	fs.IntVar(&o.merchants, "merchants", 3, "--setup: merchants, each with an API key")
	fs.IntVar(&o.products, "products", 40, "--setup: products per merchant")
	fs.BoolVar(&o.webhook, "webhook", true, "--setup: give every merchant a webhook endpoint that the run receives on loopback")
	fs.IntVar(&o.apiClients, "api-clients", 8, "concurrent connections of the merchants' systems sending orders")
	fs.DurationVar(&o.duration, "duration", 5*time.Minute, "hard stop; the run ends earlier once every order shipped")
	fs.DurationVar(&o.intake, "intake", 0, "send the orders evenly over this time; 0 as fast as they are taken (default 60% of --duration)")
	fs.DurationVar(&o.think, "think", time.Second, "a picker's walk between two scans; stations pause a fifth of it")
	fs.IntVar(&o.waveSize, "wave-size", 4, "orders per batch wave the supervisor releases")
	fs.DurationVar(&o.truckEvery, "truck-every", 15*time.Second, "how often the dock closes a carrier's loaded truck")
	fs.StringVar(&o.acked, "acked", "soko-load-acked.tsv", "file of acknowledged orders (MERCHANT<TAB>NUMBER), for soko check --orders")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the orders' contents")
	fs.BoolVar(&o.requireShipped, "require-shipped", false, "fail unless every acknowledged order shipped")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &configError{"soko load", fmt.Sprintf("takes no arguments, not %q", fs.Args())}
	}
	intakeSet := false
	fs.Visit(func(f *flag.Flag) { intakeSet = intakeSet || f.Name == "intake" })
	if !intakeSet {
		o.intake = o.duration * 6 / 10
	}
	for _, c := range []struct {
		name      string
		v, lo, hi int
	}{
		{"--orders", o.orders, 1, 100_000}, {"--handhelds", o.handhelds, 1, 1000}, {"--stations", o.stations, 1, 200},
		{"--merchants", o.merchants, 1, 20}, {"--products", o.products, 1, 1000}, {"--api-clients", o.apiClients, 1, 200},
		{"--wave-size", o.waveSize, 1, 1000},
	} {
		if c.v < c.lo || c.v > c.hi {
			return &configError{c.name, fmt.Sprintf("must be from %d to %d, not %d", c.lo, c.hi, c.v)}
		}
	}
	if o.duration < time.Second || o.duration > 4*time.Hour {
		return &configError{"--duration", fmt.Sprintf("must be from 1s to 4h, not %s", o.duration)}
	}
	if o.intake < 0 || o.think < 0 || o.truckEvery < time.Second {
		return &configError{"--intake, --think, --truck-every", "must not be negative (--truck-every at least 1s)"}
	}
	if o.setup {
		return loadSetup(ctx, cfg, o, stdout)
	}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		u, err := loopbackTarget(t)
		if err != nil {
			return &configError{"--targets", err.Error()}
		}
		o.targets = append(o.targets, u)
	}
	if len(o.targets) == 0 {
		return &configError{"--targets", "names no server: give http://127.0.0.1:PORT of each soko"}
	}
	rep, err := runLoad(ctx, o, stdout)
	if err != nil {
		return err
	}
	if o.requireShipped && rep.Shipped < rep.Acked {
		return fmt.Errorf("%d of %d acknowledged orders did not ship", rep.Acked-rep.Shipped, rep.Acked)
	}
	return nil
}

// loopbackTarget checks that a target is an http URL of this machine: a
// load generator must never be pointed at someone else's server.
func loopbackTarget(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("%q is not an http://host:port URL", raw)
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
	default:
		return "", fmt.Errorf("%s is not this machine: soko load drives servers on loopback only (127.0.0.1, ::1, localhost)", u.Hostname())
	}
	return "http://" + u.Host, nil
}

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

// loadSetup writes the load run's warehouse into an empty database: the
// merchants with their keys (and webhook endpoints), products with JANs
// stocked on pick shelves for every order to come, the floor's staff, box
// types and tracking-number ranges; and the world file a run reads.
func loadSetup(ctx context.Context, cfg config, o loadOptions, out io.Writer) error {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := db.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("the database %s already holds data: soko load --setup needs an empty one", cfg.redacted())
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
		s.APIKeys = append(s.APIKeys, soko.SeedAPIKey{MerchantCode: code, Name: "soko load", Secret: secret})
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

// The kinds of request a run measures, in the order the report lists them.
const (
	kOrderCreate  = "order create"
	kOrderLookup  = "order lookup"
	kOrderList    = "order list"
	kSignIn       = "sign in"
	kWave         = "wave release"
	kPickNext     = "pick next"
	kPickScan     = "pick scan"
	kStationOpen  = "station open"
	kInspectScan  = "inspect scan"
	kPack         = "pack"
	kLabel        = "label"
	kManifestOpen = "manifest open"
	kManifestGet  = "manifest refresh"
	kHandoverScan = "handover scan"
	kClose        = "manifest close"
)

var loadKinds = []string{kOrderCreate, kOrderLookup, kOrderList, kSignIn, kWave, kPickNext, kPickScan, kStationOpen,
	kInspectScan, kPack, kLabel, kManifestOpen, kManifestGet, kHandoverScan, kClose}

// kindStats is what one kind of request did: final answers by status,
// retries by cause, and the time each successful request's last attempt took.
type kindStats struct {
	mu       sync.Mutex
	ok       int
	expected map[int]int    // final answers that were not 2xx but are part of the work (nothing to pick yet)
	statuses map[int]int    // final answers that were neither
	samples  map[int]string // the first such answer of each status, to see why
	gaveUp   int            // never answered within the retry budget
	retries  map[string]int // by cause: "connection", "503", "429", "500", "401"
	latency  []time.Duration
}

// loadStats gathers every client's measurements.
type loadStats struct {
	kinds    map[string]*kindStats
	attempts atomic.Int64 // answered attempts, retried or not
	retries  atomic.Int64
	server   atomic.Int64 // 500 answers: bugs, never expected
}

func newLoadStats() *loadStats {
	s := &loadStats{kinds: map[string]*kindStats{}}
	for _, k := range loadKinds {
		s.kinds[k] = &kindStats{expected: map[int]int{}, statuses: map[int]int{}, samples: map[int]string{}, retries: map[string]int{}}
	}
	return s
}

func (s *loadStats) answered(kind string, a *answer, took time.Duration, expected bool) {
	status := a.Status
	k := s.kinds[kind]
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case status >= 200 && status < 300:
		k.ok++
		k.latency = append(k.latency, took)
	case expected:
		k.ok++
		k.expected[status]++
		k.latency = append(k.latency, took)
	default:
		k.statuses[status]++
		if _, ok := k.samples[status]; !ok {
			k.samples[status] = a.problem()
		}
	}
}

func (s *loadStats) retried(kind, cause string) {
	s.retries.Add(1)
	k := s.kinds[kind]
	k.mu.Lock()
	defer k.mu.Unlock()
	k.retries[cause]++
}

func (s *loadStats) abandoned(kind string) {
	k := s.kinds[kind]
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gaveUp++
}

// kindReport is one line of the report.
type kindReport struct {
	Kind          string
	Requests, OK  int            // requests, and those answered 2xx or as expected
	Expected      map[int]int    // answers counted as done though not 2xx, by status
	Errors        int            // answered otherwise
	Statuses      map[int]int    // those answers by status
	Samples       map[int]string // the first of each, as the server put it
	GaveUp        int            // no answer within the retry budget
	Retries       int            // extra attempts
	RetryCauses   map[string]int // those attempts by cause
	PerSecond     float64
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// loadReport is what a run measured and the state it left.
type loadReport struct {
	Elapsed  time.Duration
	Kinds    []kindReport
	Sent     int // orders sent at least once
	Acked    int // orders the API acknowledged (201, or 200 on a lookup)
	NotAcked int // orders never acknowledged within the retry budget
	// Statuses are the orders by status, as the API lists them at the end.
	Statuses map[string]int
	// Shipped are acknowledged orders the API lists as shipped at the end;
	// Unlisted are acknowledged orders it does not list at all.
	Shipped, Unlisted int
	ServerErrors      int
	Webhooks          webhookReport
	AckedFile         string
}

// loader is one run: the clients of every role and what they share.
type loader struct {
	o       loadOptions
	w       *loadWorld
	out     io.Writer
	http    *http.Client
	down    []atomic.Int64 // per target: unix nanoseconds until which it is avoided
	stats   *loadStats
	run     string // this run's prefix of order numbers and scan ids
	start   time.Time
	jans    map[string]string // SKU → JAN
	totes   *toteQueue
	acked   *ackedOrders
	shipped sync.Map // order number → true, from the dock's closes

	released, claimed atomic.Int64 // waves released by the supervisor, taken by pickers
	sent, notAcked    atomic.Int64
	intakeDone        atomic.Bool
}

// runLoad drives the targets until every order shipped or the duration is
// up, then reports.
func runLoad(ctx context.Context, o loadOptions, out io.Writer) (*loadReport, error) {
	data, err := os.ReadFile(o.world)
	if err != nil {
		return nil, fmt.Errorf("cannot read --world (run soko load --setup first): %v", err)
	}
	var w loadWorld
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("--world %s: %v", o.world, err)
	}
	if o.handhelds > len(w.Pickers) || o.stations > len(w.Packers) || len(w.Merchants) == 0 || len(w.Shippers) < len(loadCarriers) {
		return nil, &configError{"--handhelds, --stations", fmt.Sprintf("the world has %d pickers and %d packers: run --setup with more", len(w.Pickers), len(w.Packers))}
	}
	acked, err := newAckedOrders(o.acked)
	if err != nil {
		return nil, err
	}
	defer acked.close()
	l := newLoader(o, &w, acked, out)
	sink, err := l.receiveWebhooks()
	if err != nil {
		fmt.Fprintf(out, "webhooks: cannot listen on %s (%v); deliveries will wait and retry\n", w.Webhook, err)
	}

	fmt.Fprintf(out, "soko load %s: %d orders from %d merchants, %d handhelds, %d stations, dock of %d carriers, against %s for at most %s\n",
		l.run, o.orders, len(w.Merchants), o.handhelds, o.stations, len(loadCarriers), strings.Join(o.targets, ", "), o.duration)
	runCtx, stop := context.WithTimeout(ctx, o.duration)
	defer stop()
	floorCtx, stopFloor := context.WithCancel(runCtx)
	var wg sync.WaitGroup
	goRole := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(floorCtx) }()
	}
	goRole(l.intake)
	goRole(l.supervise)
	for i := range o.handhelds {
		goRole(func(ctx context.Context) { l.pick(ctx, i) })
	}
	for i := range o.stations {
		goRole(func(ctx context.Context) { l.pack(ctx, i) })
	}
	goRole(l.conveyor)
	for i := range loadCarriers {
		goRole(func(ctx context.Context) { l.dock(ctx, i) })
	}
	goRole(l.progress)
	l.watchForTheEnd(floorCtx)
	stopFloor()
	wg.Wait()
	elapsed := time.Since(l.start)

	// The end state, from the API, whatever happened to the run.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	rep := &loadReport{Elapsed: elapsed, Sent: int(l.sent.Load()), NotAcked: int(l.notAcked.Load()), AckedFile: o.acked}
	rep.Statuses, rep.Shipped, rep.Unlisted, rep.Acked = l.endState(endCtx)
	if sink != nil {
		rep.Webhooks = sink.close()
	}
	rep.Kinds = l.kindReports(elapsed)
	rep.ServerErrors = int(l.stats.server.Load())
	l.printReport(rep)
	return rep, nil
}

// newLoader prepares a run of o in world w.
func newLoader(o loadOptions, w *loadWorld, acked *ackedOrders, out io.Writer) *loader {
	l := &loader{
		o: o, w: w, out: out, stats: newLoadStats(), down: make([]atomic.Int64, len(o.targets)),
		run: "L" + strconv.FormatUint(rand.Uint64()%60_466_176, 36), start: time.Now(), jans: map[string]string{},
		totes: newToteQueue(o.orders + 1000), acked: acked,
		http: &http.Client{
			Transport: &http.Transport{
				Proxy: nil, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
				MaxIdleConns: 2000, MaxIdleConnsPerHost: 1000, IdleConnTimeout: 90 * time.Second, DisableCompression: true,
			},
			// Only loopback is ever asked: a redirect elsewhere is not followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	for _, m := range w.Merchants {
		for _, p := range m.Products {
			l.jans[p.SKU] = p.JAN
		}
	}
	return l
}

// target returns the server a client sends its attempt to: its own, unless
// that one failed to connect a moment ago, as a load balancer would.
func (l *loader) target(home, attempt int) int {
	now := time.Now().UnixNano()
	for i := range len(l.o.targets) {
		t := (home + attempt + i) % len(l.o.targets)
		if l.down[t].Load() < now {
			return t
		}
	}
	return (home + attempt) % len(l.o.targets)
}

// request is one call of the API.
type request struct {
	kind         string
	method, path string
	body         any
	apiKey       string        // a merchant's
	idempotency  string        // Idempotency-Key
	staff        *staffSession // a signed-in badge's
	// expected are statuses other than 2xx that are part of the work, such
	// as 404 from a picker asking for work before any is released.
	expected []int
}

// answer is the server's answer to a request.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a *answer) decode(v any) bool { return json.Unmarshal(a.Body, v) == nil }

// problem is what a problem answer says, in a line.
func (a *answer) problem() string {
	var p struct {
		Type   string `json:"type"`
		Detail string `json:"detail"`
	}
	if !a.decode(&p) || p.Detail == "" {
		return strings.Join(strings.Fields(string(a.Body[:min(len(a.Body), 200)])), " ")
	}
	return p.Detail + " (" + p.Type + ")"
}

// problemField reports whether a problem answer names field among its errors.
func (a *answer) problemField(field string) bool {
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	a.decode(&p)
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

var errGaveUp = errors.New("no answer within the retry budget")

// retryBudget is how long a request is retried before the client gives up:
// longer than a server restart or a database restart takes.
const retryBudget = 90 * time.Second

// send sends a request as a client does, retrying what is safe to retry:
// the same body with the same Idempotency-Key or scan id after a broken
// connection, a 503 or a 429 (waiting as Retry-After says), a 500 a few
// times; and signing in again after a 401. Each attempt goes to the
// client's own server unless it just failed.
func (l *loader) send(ctx context.Context, home int, r request) (*answer, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, err
		}
	}
	deadline := time.Now().Add(retryBudget)
	backoff := 100 * time.Millisecond
	fails, signIns := 0, 0
	for attempt := 0; ; attempt++ {
		t := l.target(home, attempt)
		a, took, err := l.attempt(ctx, t, r, body)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		wait, cause := jitter(backoff), ""
		switch {
		case err != nil:
			cause = "connection"
			l.down[t].Store(time.Now().Add(2 * time.Second).UnixNano())
		case a.Status == http.StatusServiceUnavailable || a.Status == http.StatusTooManyRequests ||
			a.Status == http.StatusBadGateway || a.Status == http.StatusGatewayTimeout:
			cause = strconv.Itoa(a.Status)
			if s, err := strconv.Atoi(a.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = time.Duration(s)*time.Second + rand.N(250*time.Millisecond)
			}
		case a.Status == http.StatusInternalServerError && fails < 3:
			fails++
			cause = "500"
			l.stats.server.Add(1)
		case a.Status == http.StatusUnauthorized && r.staff != nil && signIns < 3:
			signIns++
			cause, wait = "401", 0
			if err := l.signIn(ctx, home, r.staff); err != nil {
				return nil, err
			}
		default:
			if a.Status == http.StatusInternalServerError {
				l.stats.server.Add(1)
			}
			l.stats.answered(r.kind, a, took, slices.Contains(r.expected, a.Status))
			return a, nil
		}
		if time.Now().Add(wait).After(deadline) {
			l.stats.abandoned(r.kind)
			return nil, errGaveUp
		}
		l.stats.retried(r.kind, cause)
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// attempt is one HTTP exchange with target t, and how long it took.
func (l *loader) attempt(ctx context.Context, t int, r request, body []byte) (*answer, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, l.o.targets[t]+r.path, rd)
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", "en")
	if r.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.apiKey)
	}
	if r.idempotency != "" {
		req.Header.Set("Idempotency-Key", r.idempotency)
	}
	if s := r.staff; s != nil {
		s.mu.Lock()
		req.Header.Set("Cookie", "soko_session="+s.cookie)
		if r.method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", s.csrf)
		}
		s.mu.Unlock()
	}
	start := time.Now()
	res, err := l.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, 0, err
	}
	l.stats.attempts.Add(1)
	return &answer{Status: res.StatusCode, Header: res.Header, Body: b}, time.Since(start), nil
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d)
}

// sleep waits d, or less when ctx ends first; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// staffSession is a badge signed in on the floor: its session cookie and
// CSRF token, kept in the database, so any server takes them.
type staffSession struct {
	badge  loadBadge
	device string

	mu           sync.Mutex
	cookie, csrf string
}

// signIn signs the badge in (again), as a handheld does after a 401.
func (l *loader) signIn(ctx context.Context, home int, s *staffSession) error {
	for {
		a, err := l.send(ctx, home, request{kind: kSignIn, method: http.MethodPost, path: "/ops/session",
			body: map[string]string{"badge": s.badge.Badge, "pin": s.badge.PIN, "device": s.device}})
		if err != nil {
			return err
		}
		var out struct {
			CSRF string `json:"csrf_token"`
		}
		if a.Status == http.StatusOK && a.decode(&out) {
			for _, c := range (&http.Response{Header: a.Header}).Cookies() {
				if c.Name == "soko_session" {
					s.mu.Lock()
					s.cookie, s.csrf = c.Value, out.CSRF
					s.mu.Unlock()
					return nil
				}
			}
		}
		// A locked badge (423) or a refused sign-in: wait and try again.
		if !sleep(ctx, 5*time.Second) {
			return ctx.Err()
		}
	}
}

// ackedOrders writes every acknowledged order to the file soko check
// reads, as soon as it is acknowledged, so the file is right even if the
// run is cut short.
type ackedOrders struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	set map[string]string // order number → merchant code
}

func newAckedOrders(path string) (*ackedOrders, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot write --acked: %v", err)
	}
	return &ackedOrders{f: f, w: bufio.NewWriter(f), set: map[string]string{}}, nil
}

func (a *ackedOrders) add(merchant, number string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.set[number]; ok {
		return
	}
	a.set[number] = merchant
	fmt.Fprintf(a.w, "%s\t%s\n", merchant, number)
	a.w.Flush()
}

func (a *ackedOrders) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.set)
}

func (a *ackedOrders) numbers() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.set)
}

func (a *ackedOrders) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w.Flush()
	a.f.Close()
}

// The ship-to addresses orders go to: real postal codes of their prefectures.
var loadAddresses = []map[string]string{
	{"postal_code": "100-0005", "prefecture": "東京都", "city": "千代田区", "address1": "丸の内1-9-1"},
	{"postal_code": "530-0001", "prefecture": "大阪府", "city": "大阪市北区", "address1": "梅田1-12-17"},
	{"postal_code": "460-0008", "prefecture": "愛知県", "city": "名古屋市中区", "address1": "栄3-15-8"},
	{"postal_code": "060-0001", "prefecture": "北海道", "city": "札幌市中央区", "address1": "北一条西4-2-5"},
	{"postal_code": "812-0011", "prefecture": "福岡県", "city": "福岡市博多区", "address1": "博多駅前2-9-14"},
	{"postal_code": "980-0021", "prefecture": "宮城県", "city": "仙台市青葉区", "address1": "中央2-8-13"},
	{"postal_code": "600-8216", "prefecture": "京都府", "city": "京都市下京区", "address1": "東塩小路町579"},
	{"postal_code": "231-0023", "prefecture": "神奈川県", "city": "横浜市中区", "address1": "山下町84"},
}

var loadRecipients = []string{"山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健", "伊藤 さくら", "渡辺 翔", "中村 結衣"}

var loadSlots = []string{"", "am", "14-16", "19-21"}

// loadOrder is one order a merchant's system sends.
type loadOrder struct {
	merchant *loadMerchant
	number   string
	body     map[string]any
}

// makeOrder builds the i-th order of the run, the same for the same seed.
func (l *loader) makeOrder(i int) loadOrder {
	rng := rand.New(rand.NewPCG(l.o.seed, uint64(i)))
	m := &l.w.Merchants[i%len(l.w.Merchants)]
	number := fmt.Sprintf("%s-%s-%06d", m.Code, l.run, i+1)
	lines := []map[string]any{}
	for _, p := range rng.Perm(len(m.Products))[:min(len(m.Products), 1+rng.IntN(3))] {
		q := 1
		if rng.IntN(4) == 0 {
			q = 2
		}
		lines = append(lines, map[string]any{"sku": m.Products[p].SKU, "quantity": q})
	}
	c := loadCarriers[rng.IntN(len(loadCarriers))]
	to := map[string]any{"name": loadRecipients[rng.IntN(len(loadRecipients))], "phone": "03-1234-5678", "email": "customer@load.example"}
	for k, v := range loadAddresses[rng.IntN(len(loadAddresses))] {
		to[k] = v
	}
	return loadOrder{merchant: m, number: number, body: map[string]any{
		"order_no": number, "ship_to": to, "lines": lines, "carrier": c.code, "service": c.service,
		"time_slot": loadSlots[rng.IntN(len(loadSlots))],
	}}
}

// intake is the merchants' systems: orders go out evenly over the intake
// time through a few connections, each with its Idempotency-Key, retried
// until the API acknowledges it.
func (l *loader) intake(ctx context.Context) {
	defer l.intakeDone.Store(true)
	orders := make(chan int)
	var wg sync.WaitGroup
	for c := range l.o.apiClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range orders {
				l.sendOrder(ctx, c, l.makeOrder(i))
			}
		}()
	}
	every := time.Duration(0)
	if l.o.intake > 0 {
		every = l.o.intake / time.Duration(l.o.orders)
	}
	next := time.Now()
	for i := range l.o.orders {
		if !sleep(ctx, time.Until(next)) {
			break
		}
		next = next.Add(every)
		select {
		case orders <- i:
		case <-ctx.Done():
		}
	}
	close(orders)
	wg.Wait()
}

// sendOrder sends one order until it is acknowledged: 201 (or its replay),
// or, after a 409 (the first attempt's answer was lost with a server), the
// order found by its number.
func (l *loader) sendOrder(ctx context.Context, client int, o loadOrder) {
	l.sent.Add(1)
	deadline := time.Now().Add(3 * retryBudget)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		a, err := l.send(ctx, client, request{kind: kOrderCreate, method: http.MethodPost, path: "/api/v1/orders",
			body: o.body, apiKey: o.merchant.Key, idempotency: "load-" + o.number})
		switch {
		case err != nil:
			continue
		case a.Status == http.StatusCreated || a.Status == http.StatusOK:
			l.acked.add(o.merchant.Code, o.number)
			return
		case a.Status == http.StatusConflict:
			g, err := l.send(ctx, client, request{kind: kOrderLookup, method: http.MethodGet, path: "/api/v1/orders/" + o.number, apiKey: o.merchant.Key})
			if err == nil && g.Status == http.StatusOK {
				l.acked.add(o.merchant.Code, o.number)
				return
			}
			sleep(ctx, jitter(time.Second))
		default:
			fmt.Fprintf(l.out, "order %s refused: %d %s\n", o.number, a.Status, a.Body)
			l.notAcked.Add(1)
			return
		}
	}
	l.notAcked.Add(1)
}

// supervise is the supervisor at the console: a batch wave of allocated
// orders every couple of seconds, as long as pickers have too few lists.
func (l *loader) supervise(ctx context.Context) {
	s := &staffSession{badge: l.w.Supervisor, device: "CONSOLE"}
	if l.signIn(ctx, 0, s) != nil {
		return
	}
	for sleep(ctx, jitter(2*time.Second)) {
		for l.released.Load()-l.claimed.Load() < int64(l.o.handhelds/2+1) {
			a, err := l.send(ctx, 0, request{kind: kWave, method: http.MethodPost, path: "/ops/waves", staff: s,
				body: map[string]any{"mode": "batch", "max_orders": l.o.waveSize}, expected: []int{http.StatusNotFound}})
			if err != nil || a.Status != http.StatusCreated {
				break
			}
			l.released.Add(1)
		}
	}
}

// pick is one handheld: it signs in, takes its next task, scans the shelf,
// then each unit, walking between scans; a finished order's tote goes to
// the stations.
func (l *loader) pick(ctx context.Context, i int) {
	s := &staffSession{badge: l.w.Pickers[i], device: fmt.Sprintf("HH-%03d", i+1)}
	home := i % len(l.o.targets)
	// A shift does not sign in all at once.
	if !sleep(ctx, time.Duration(i)*20*time.Millisecond) || l.signIn(ctx, home, s) != nil {
		return
	}
	scans, wave := 0, ""
	scan := func(task int64, code string) (*answer, bool) {
		scans++
		a, err := l.send(ctx, home, request{kind: kPickScan, method: http.MethodPost, path: fmt.Sprintf("/ops/picks/%d/scan", task), staff: s,
			body: map[string]any{"scan_id": fmt.Sprintf("%s-%s-%d", l.run, s.badge.Badge, scans), "code": code}})
		return a, err == nil && a.Status == http.StatusOK
	}
	for ctx.Err() == nil {
		a, err := l.send(ctx, home, request{kind: kPickNext, method: http.MethodGet, path: "/ops/picks/next", staff: s, expected: []int{http.StatusNotFound}})
		if err != nil {
			continue
		}
		var t struct {
			ID                int64  `json:"id"`
			Wave              string `json:"wave_no"`
			Location          string `json:"location"`
			SKU               string `json:"sku"`
			Remaining         int    `json:"remaining"`
			LocationConfirmed bool   `json:"location_confirmed"`
		}
		if a.Status != http.StatusOK || !a.decode(&t) {
			sleep(ctx, jitter(3*time.Second)) // nothing to pick yet: ask again in a while
			continue
		}
		if t.Wave != wave {
			wave = t.Wave
			l.claimed.Add(1)
		}
		if !t.LocationConfirmed {
			if !sleep(ctx, jitter(l.o.think)) {
				return
			}
			if _, ok := scan(t.ID, t.Location); !ok {
				continue
			}
		}
		for range t.Remaining {
			if !sleep(ctx, jitter(l.o.think/2)) {
				return
			}
			a, ok := scan(t.ID, l.jans[t.SKU])
			if !ok {
				break
			}
			var r struct {
				OrderPicked string `json:"order_picked"`
			}
			if a.decode(&r) && r.OrderPicked != "" {
				l.totes.push(r.OrderPicked)
			}
		}
	}
}

// toteQueue carries picked orders to the stations, each order once at a
// time however often it is announced.
type toteQueue struct {
	mu     sync.Mutex
	queued map[string]bool
	ch     chan string
}

func newToteQueue(n int) *toteQueue {
	return &toteQueue{queued: map[string]bool{}, ch: make(chan string, n)}
}

func (q *toteQueue) push(number string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queued[number] {
		return
	}
	select {
	case q.ch <- number:
		q.queued[number] = true
	default: // full: the conveyor brings it again
	}
}

func (q *toteQueue) done(number string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.queued, number)
}

// conveyor finds orders waiting between picking and labels that no station
// heard of — a picker's answer lost with a server, a station that gave up —
// through the merchants' order lists, and sends them to the stations.
func (l *loader) conveyor(ctx context.Context) {
	for sleep(ctx, 3*time.Second) {
		for _, m := range l.w.Merchants {
			for _, status := range []string{"picked", "inspected", "packed"} {
				a, err := l.send(ctx, 0, request{kind: kOrderList, method: http.MethodGet, path: "/api/v1/orders?limit=200&status=" + status, apiKey: m.Key})
				var list struct {
					Data []struct {
						Number string `json:"order_no"`
					} `json:"data"`
				}
				if err != nil || a.Status != http.StatusOK || !a.decode(&list) {
					continue
				}
				for _, o := range list.Data {
					l.totes.push(o.Number)
				}
			}
		}
	}
}

// stationOrder is what the station shows of an order.
type stationOrder struct {
	ID     int64  `json:"id"`
	Number string `json:"order_no"`
	Status string `json:"status"`
	Lines  []struct {
		SKU       string `json:"sku"`
		Quantity  int    `json:"quantity"`
		Inspected int    `json:"inspected"`
	} `json:"lines"`
	Recommended []struct {
		Box         string `json:"box"`
		WeightGrams int    `json:"weight_grams"`
	} `json:"recommended"`
}

// pack is one packing station: it opens each picked order, scans every
// unit, packs it into the boxes it recommends, weighed, and labels it.
func (l *loader) pack(ctx context.Context, i int) {
	s := &staffSession{badge: l.w.Packers[i], device: fmt.Sprintf("ST-%02d", i+1)}
	home := i % len(l.o.targets)
	if l.signIn(ctx, home, s) != nil {
		return
	}
	scans := 0
	for {
		var number string
		select {
		case <-ctx.Done():
			return
		case number = <-l.totes.ch:
		}
		l.packOrder(ctx, home, s, number, &scans)
		l.totes.done(number)
	}
}

// packOrder takes one order as far as its label, from wherever it stands:
// any answer it did not expect (a retry whose first answer was lost) sends
// it back to reopening the order.
func (l *loader) packOrder(ctx context.Context, home int, s *staffSession, number string, scans *int) {
	pause := l.o.think / 5
	for range 6 {
		a, err := l.send(ctx, home, request{kind: kStationOpen, method: http.MethodGet, path: "/ops/station/orders/" + url.PathEscape(number), staff: s})
		var o stationOrder
		if err != nil || a.Status != http.StatusOK || !a.decode(&o) {
			return
		}
		base := fmt.Sprintf("/ops/station/orders/%d", o.ID)
		if o.Status == "picked" {
			ok := true
			for _, line := range o.Lines {
				for k := line.Inspected; k < line.Quantity && ok; k++ {
					*scans++
					if !sleep(ctx, jitter(pause)) {
						return
					}
					a, err := l.send(ctx, home, request{kind: kInspectScan, method: http.MethodPost, path: base + "/scan", staff: s,
						body: map[string]any{"scan_id": fmt.Sprintf("%s-%s-%d", l.run, s.badge.Badge, *scans), "code": l.jans[line.SKU]}})
					var r struct {
						Order stationOrder `json:"order"`
					}
					ok = err == nil && a.Status == http.StatusOK && a.decode(&r)
					if ok {
						o = r.Order
					}
				}
			}
			if !ok || o.Status != "inspected" {
				continue
			}
		}
		if o.Status == "inspected" {
			if len(o.Recommended) == 0 {
				fmt.Fprintf(l.out, "order %s fits no box\n", number)
				return
			}
			var parcels []map[string]any
			for _, p := range o.Recommended {
				// The scale reads a little over or under what it should.
				parcels = append(parcels, map[string]any{"box": p.Box, "weight_grams": p.WeightGrams - 10 + rand.IntN(25)})
			}
			if !sleep(ctx, jitter(pause)) {
				return
			}
			a, err := l.send(ctx, home, request{kind: kPack, method: http.MethodPost, path: base + "/pack", staff: s, body: map[string]any{"parcels": parcels}})
			if err != nil || a.Status != http.StatusOK || !a.decode(&o) {
				continue
			}
		}
		if o.Status == "packed" {
			a, err := l.send(ctx, home, request{kind: kLabel, method: http.MethodPost, path: base + "/label", staff: s})
			if err != nil || a.Status != http.StatusOK {
				continue
			}
			return
		}
		return // labelled already, or not picked yet
	}
}

// manifest is a carrier's pickup as the dock sees it.
type manifest struct {
	ID      int64  `json:"id"`
	Status  string `json:"status"`
	Loaded  int    `json:"loaded"`
	Missing []struct {
		Tracking string `json:"tracking_number"`
	} `json:"missing_parcels"`
}

// dock is the shipper of one carrier: it opens the day's pickup, scans
// every labelled parcel onto the truck, and closes it every so often —
// with the supervisor's badge and PIN when parcels labelled meanwhile are
// missing — which ships the orders.
func (l *loader) dock(ctx context.Context, i int) {
	carrier := loadCarriers[i].code
	s := &staffSession{badge: l.w.Shippers[i], device: "DOCK-" + strings.ToUpper(carrier)}
	home := i % len(l.o.targets)
	if l.signIn(ctx, home, s) != nil {
		return
	}
	scans := 0
	for ctx.Err() == nil {
		today := time.Now().In(soko.JST).Format("2006-01-02")
		a, err := l.send(ctx, home, request{kind: kManifestOpen, method: http.MethodPost, path: "/ops/manifests", staff: s,
			body: map[string]any{"carrier": carrier, "pickup_date": today}})
		var m manifest
		if err != nil || a.Status != http.StatusOK || !a.decode(&m) {
			sleep(ctx, time.Second)
			continue
		}
		opened, lastLoad := time.Now(), time.Now()
		for ctx.Err() == nil {
			for _, p := range m.Missing {
				scans++
				if !sleep(ctx, jitter(l.o.think/5)) {
					return
				}
				a, err := l.send(ctx, home, request{kind: kHandoverScan, method: http.MethodPost, path: fmt.Sprintf("/ops/manifests/%d/scan", m.ID), staff: s,
					body: map[string]any{"scan_id": fmt.Sprintf("%s-%s-%d", l.run, s.badge.Badge, scans), "code": "a" + p.Tracking + "a"}})
				if err == nil && (a.Status == http.StatusOK || a.Status == http.StatusConflict) {
					m.Loaded++
					lastLoad = time.Now()
				}
			}
			due := time.Since(opened) >= l.o.truckEvery || (l.intakeDone.Load() && time.Since(lastLoad) >= 3*time.Second)
			if m.Loaded > 0 && due {
				l.closeTruck(ctx, home, s, m.ID)
				break
			}
			if !sleep(ctx, jitter(time.Second)) {
				return
			}
			a, err := l.send(ctx, home, request{kind: kManifestGet, method: http.MethodGet, path: fmt.Sprintf("/ops/manifests/%d", m.ID), staff: s})
			var fresh manifest
			if err != nil || a.Status != http.StatusOK || !a.decode(&fresh) || fresh.Status != "open" {
				break
			}
			m = fresh
		}
	}
}

// closeTruck closes a pickup, with the supervisor's confirmation when
// parcels labelled since the last look are not on it, and notes the
// orders it shipped.
func (l *loader) closeTruck(ctx context.Context, home int, s *staffSession, id int64) {
	path := fmt.Sprintf("/ops/manifests/%d/close", id)
	a, err := l.send(ctx, home, request{kind: kClose, method: http.MethodPost, path: path, staff: s, body: map[string]any{}, expected: []int{http.StatusConflict}})
	if err == nil && a.Status == http.StatusConflict && a.problemField("supervisor") {
		a, err = l.send(ctx, home, request{kind: kClose, method: http.MethodPost, path: path, staff: s,
			body: map[string]any{"supervisor_badge": l.w.Supervisor.Badge, "supervisor_pin": l.w.Supervisor.PIN}})
	}
	var r struct {
		Shipped []string `json:"shipped"`
	}
	if err == nil && a.Status == http.StatusOK && a.decode(&r) {
		for _, n := range r.Shipped {
			l.shipped.Store(n, true)
		}
	}
}

// watchForTheEnd returns when the run is over: the duration is up, or
// every order was sent and the API lists none still on its way.
func (l *loader) watchForTheEnd(ctx context.Context) {
	lastAsked := time.Now()
	for sleep(ctx, time.Second) {
		if !l.intakeDone.Load() {
			continue
		}
		shipped := 0
		for n := range l.acked.numbers() {
			if _, ok := l.shipped.Load(n); ok {
				shipped++
			}
		}
		if shipped == l.acked.count() && l.sent.Load() == int64(l.acked.count()) {
			return
		}
		if time.Since(lastAsked) >= 10*time.Second {
			lastAsked = time.Now()
			if l.nothingOnItsWay(ctx) {
				return
			}
		}
	}
}

// onItsWay are the statuses of orders the floor still has to ship.
var onItsWay = []string{"received", "backordered", "allocated", "picking", "picked", "inspected", "packed", "labeled"}

func (l *loader) nothingOnItsWay(ctx context.Context) bool {
	for _, m := range l.w.Merchants {
		for _, st := range onItsWay {
			a, err := l.send(ctx, 0, request{kind: kOrderList, method: http.MethodGet, path: "/api/v1/orders?limit=1&status=" + st, apiKey: m.Key})
			var list struct {
				Data []json.RawMessage `json:"data"`
			}
			if err != nil || a.Status != http.StatusOK || !a.decode(&list) || len(list.Data) > 0 {
				return false
			}
		}
	}
	return true
}

// progress prints a line every ten seconds, to watch the run and see the
// faults in it.
func (l *loader) progress(ctx context.Context) {
	var lastReq, lastRetries int64
	for sleep(ctx, 10*time.Second) {
		shipped := 0
		l.shipped.Range(func(any, any) bool { shipped++; return true })
		req, retries := l.stats.attempts.Load(), l.stats.retries.Load()
		fmt.Fprintf(l.out, "%6s  orders sent %d, acknowledged %d, shipped %d; %d requests/s, %d retries, %d server errors\n",
			time.Since(l.start).Round(time.Second), l.sent.Load(), l.acked.count(), shipped, (req-lastReq)/10, retries-lastRetries, l.stats.server.Load())
		lastReq, lastRetries = req, retries
	}
}

// endState lists every merchant's orders through the API: how many are in
// each status, how many acknowledged orders shipped and how many it does not list.
func (l *loader) endState(ctx context.Context) (statuses map[string]int, shipped, unlisted, acked int) {
	statuses = map[string]int{}
	want := l.acked.numbers()
	seen := map[string]bool{}
	for _, m := range l.w.Merchants {
		cursor := ""
		for {
			path := "/api/v1/orders?limit=200"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			a, err := l.send(ctx, 0, request{kind: kOrderList, method: http.MethodGet, path: path, apiKey: m.Key})
			var page struct {
				Data []struct {
					Number string `json:"order_no"`
					Status string `json:"status"`
				} `json:"data"`
				Next *string `json:"next_cursor"`
			}
			if err != nil || a.Status != http.StatusOK || !a.decode(&page) {
				statuses["(could not list)"]++
				break
			}
			for _, o := range page.Data {
				statuses[o.Status]++
				if want[o.Number] == m.Code {
					seen[o.Number] = true
					if o.Status == "shipped" {
						shipped++
					}
				}
			}
			if page.Next == nil || *page.Next == "" {
				break
			}
			cursor = *page.Next
		}
	}
	return statuses, shipped, len(want) - len(seen), len(want)
}

// kindReports sums up each kind of request.
func (l *loader) kindReports(elapsed time.Duration) []kindReport {
	var out []kindReport
	for _, name := range loadKinds {
		k := l.stats.kinds[name]
		k.mu.Lock()
		r := kindReport{Kind: name, OK: k.ok, GaveUp: k.gaveUp, Expected: maps.Clone(k.expected), Statuses: maps.Clone(k.statuses), Samples: maps.Clone(k.samples), RetryCauses: maps.Clone(k.retries)}
		lat := slices.Clone(k.latency)
		k.mu.Unlock()
		for _, n := range r.Statuses {
			r.Errors += n
		}
		for _, n := range r.RetryCauses {
			r.Retries += n
		}
		r.Requests = r.OK + r.Errors + r.GaveUp
		r.PerSecond = float64(r.OK) / elapsed.Seconds()
		slices.Sort(lat)
		r.P50, r.P95, r.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
		if len(lat) > 0 {
			r.Max = lat[len(lat)-1]
		}
		out = append(out, r)
	}
	return out
}

// percentile is the q-quantile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

// printReport prints the figures of a run: per kind of request, the end
// state and the notifications received.
func (l *loader) printReport(r *loadReport) {
	out := l.out
	fmt.Fprintf(out, "\nsoko load %s against %d servers, %s\n\n", l.run, len(l.o.targets), r.Elapsed.Round(100*time.Millisecond))
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\trequests\tok\terrors\tgave up\tretries\tok/s\tp50\tp95\tp99\tmax\t")
	for _, k := range r.Kinds {
		if k.Requests == 0 && k.Retries == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t\n", k.Kind, k.Requests, k.OK, k.Errors, k.GaveUp, k.Retries, k.PerSecond, ms(k.P50), ms(k.P95), ms(k.P99), ms(k.Max))
	}
	tw.Flush()
	fmt.Fprintln(out)
	for _, k := range r.Kinds {
		if len(k.Statuses) == 0 && len(k.RetryCauses) == 0 && len(k.Expected) == 0 {
			continue
		}
		fmt.Fprintf(out, "  %-16s as expected: %s; errors: %s; retries after: %s\n", k.Kind, countsOf(k.Expected), countsOf(k.Statuses), countsOf(k.RetryCauses))
		for status, sample := range k.Samples {
			fmt.Fprintf(out, "  %-16s   first %d: %s\n", "", status, sample)
		}
	}
	var statuses []string
	for s, n := range r.Statuses {
		statuses = append(statuses, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(statuses)
	fmt.Fprintf(out, "\norders: %d sent, %d acknowledged, %d never acknowledged; acknowledged and shipped: %d; acknowledged but not listed by the API: %d\n",
		r.Sent, r.Acked, r.NotAcked, r.Shipped, r.Unlisted)
	fmt.Fprintf(out, "end state (orders by status, from the API): %s\n", strings.Join(statuses, ", "))
	if w := r.Webhooks; w.Listening {
		fmt.Fprintf(out, "webhooks received: %d events (%s), %d repeats, %d with a bad signature\n", w.Events, countsOf(w.ByType), w.Repeats, w.Forged)
	}
	fmt.Fprintf(out, "server errors (500): %d\n", r.ServerErrors)
	fmt.Fprintf(out, "acknowledged orders written to %s (soko check --orders %s)\n", r.AckedFile, r.AckedFile)
	fmt.Fprintf(out, "summary: elapsed=%s acked=%d shipped=%d shipped_per_s=%.1f requests=%d retries=%d server_errors=%d unlisted=%d\n",
		r.Elapsed.Round(time.Second), r.Acked, r.Shipped, float64(r.Shipped)/r.Elapsed.Seconds(), l.stats.attempts.Load(), l.stats.retries.Load(), r.ServerErrors, r.Unlisted)
}

// countsOf prints a tally in a stable order, "none" when empty.
func countsOf[K comparable](m map[K]int) string {
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%v×%d", k, n))
	}
	if len(parts) == 0 {
		return "none"
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// webhookSink is the merchants' webhook endpoint: it checks each event's
// signature with its merchant's secret and counts events by id, so that a
// repeat (allowed: delivery is at least once) shows.
type webhookSink struct {
	srv     *http.Server
	secrets map[string]string // by merchant code, the last part of the path

	mu     sync.Mutex
	seen   map[string]int
	byType map[string]int
	forged int
}

// webhookReport is what the merchants' endpoints received.
type webhookReport struct {
	Listening bool
	Events    int // distinct event ids
	Repeats   int // deliveries of an event after its first
	Forged    int
	ByType    map[string]int
}

func (l *loader) receiveWebhooks() (*webhookSink, error) {
	if l.w.Webhook == "" {
		return nil, nil
	}
	if _, err := loopbackTarget("http://" + l.w.Webhook); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", l.w.Webhook)
	if err != nil {
		return nil, err
	}
	s := &webhookSink{secrets: map[string]string{}, seen: map[string]int{}, byType: map[string]int{}}
	for _, m := range l.w.Merchants {
		s.secrets[m.Code] = m.Secret
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	secret, ok := s.secrets[strings.TrimPrefix(r.URL.Path, "/soko/events/")]
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok || notify.Verify(r.Header.Get("Soko-Signature"), secret, body, time.Now(), 5*time.Minute) != nil {
		s.forged++
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	id := r.Header.Get("Soko-Event-Id")
	s.seen[id]++
	if s.seen[id] == 1 {
		s.byType[r.Header.Get("Soko-Event-Type")]++
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *webhookSink) close() webhookReport {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := webhookReport{Listening: true, Events: len(s.seen), Forged: s.forged, ByType: maps.Clone(s.byType)}
	for _, n := range s.seen {
		r.Repeats += n - 1
	}
	return r
}
