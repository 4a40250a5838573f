package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// yamatoTracking is Yamato's tracking page, as customers and merchants must get it.
const yamatoTracking = "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id="

// The shop's products, by SKU: name and JAN.
var shopProducts = map[string]struct{ name, jan string }{
	"TOWEL": {"今治タオル フェイスタオル（白）", "4901234567894"},
	"MUG":   {"有田焼 マグカップ", "4909876543214"},
}

// testClock is the one clock the server, the database, the notify worker
// and the merchant's receiver share; it moves only when told to.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// webhookEvent is what the merchant's system reads from a webhook.
type webhookEvent struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Sequence int    `json:"sequence"`
	Order    struct {
		Number string `json:"order_no"`
		Status string `json:"status"`
	} `json:"order"`
	Data struct {
		Parcels []struct {
			TrackingNumber string `json:"tracking_number"`
			TrackingURL    string `json:"tracking_url"`
		} `json:"parcels"`
		// A return's (return.received, return.completed).
		ReturnNo        string `json:"return_no"`
		ExchangeOrderNo string `json:"exchange_order_no"`
		NotOurs         int    `json:"not_ours"`
		Lines           []struct {
			SKU      string         `json:"sku"`
			Quantity int            `json:"quantity"`
			Received int            `json:"received"`
			Grades   map[string]int `json:"grades"`
		} `json:"lines"`
	} `json:"data"`
}

// merchantSystem is the merchant's webhook receiver, written as the API
// docs tell merchants to: it verifies Soko-Signature with the endpoint's
// secret and refuses anything else with 400, answers 503 while down, and
// keeps the events it accepted by Soko-Event-Id.
type merchantSystem struct {
	clock *testClock

	mu       sync.Mutex
	secret   string
	down     bool
	forged   int                       // requests refused for their signature
	refused  int                       // signed requests answered 503 while down
	accepted map[string][]webhookEvent // by Soko-Event-Id; two means a repeat
	arrival  []string                  // event ids, in the order accepted
}

func (m *merchantSystem) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := notify.Verify(r.Header.Get("Soko-Signature"), m.secret, body, m.clock.now(), 5*time.Minute); err != nil {
		m.forged++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var e webhookEvent
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" || r.Header.Get("Soko-Event-Id") != e.ID || r.Header.Get("Soko-Event-Type") != e.Type {
		http.Error(w, "not a soko event", http.StatusBadRequest)
		return
	}
	if m.down {
		m.refused++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	m.accepted[e.ID] = append(m.accepted[e.ID], e)
	m.arrival = append(m.arrival, e.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (m *merchantSystem) setSecret(s string) { m.mu.Lock(); defer m.mu.Unlock(); m.secret = s }
func (m *merchantSystem) setDown(down bool)  { m.mu.Lock(); defer m.mu.Unlock(); m.down = down }

// events returns the events accepted for an order, in the order they arrived,
// and fails the test on a repeat or a refused signature.
func (m *merchantSystem) events(t *testing.T, orderNo string) []webhookEvent {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.forged != 1 { // the one the site forged to try the receiver
		t.Fatalf("the receiver refused %d of soko's signatures", m.forged-1)
	}
	var out []webhookEvent
	for _, id := range m.arrival {
		es := m.accepted[id]
		if len(es) != 1 {
			t.Fatalf("event %s arrived %d times", id, len(es))
		}
		if es[0].Order.Number == orderNo {
			out = append(out, es[0])
		}
	}
	return out
}

func (m *merchantSystem) counts() (accepted, refused int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.arrival), m.refused
}

func eventTypes(es []webhookEvent) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Type
	}
	return out
}

// mailbox is the warehouse's SMTP server: no TLS, no AUTH; it keeps every
// email it takes, and while refusing it answers 550 to every recipient, as
// for a customer's mailbox that does not exist.
type mailbox struct {
	addr string

	mu      sync.Mutex
	refuse  bool
	from    []string
	to      []string
	letters [][]byte
}

func mustMailbox(t testing.TB) *mailbox {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{mb: mb}, nil }))
	srv.Domain = "mx.soko.example"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb
}

func (mb *mailbox) setRefuse(refuse bool) { mb.mu.Lock(); defer mb.mu.Unlock(); mb.refuse = refuse }

func (mb *mailbox) received() (from, to []string, letters [][]byte) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return slices.Clone(mb.from), slices.Clone(mb.to), slices.Clone(mb.letters)
}

type mailboxSession struct {
	mb       *mailbox
	from, to string
}

func (s *mailboxSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.to = to
	return nil
}

func (s *mailboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.from, s.mb.to, s.mb.letters = append(s.mb.from, s.from), append(s.mb.to, s.to), append(s.mb.letters, b)
	return nil
}

func (s *mailboxSession) Reset()        { s.from, s.to = "", "" }
func (s *mailboxSession) Logout() error { return nil }

// letter is an email as the customer's mail client shows it.
type letter struct {
	subject       string
	from, replyTo *mail.Address
	body          string
}

func mustReadLetter(t *testing.T, raw []byte) letter {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var l letter
	if l.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("Subject %q: %v", msg.Header.Get("Subject"), err)
	}
	if l.from, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		t.Fatalf("From %q: %v", msg.Header.Get("From"), err)
	}
	if l.replyTo, err = mail.ParseAddress(msg.Header.Get("Reply-To")); err != nil {
		t.Fatalf("Reply-To %q: %v", msg.Header.Get("Reply-To"), err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); !strings.EqualFold(cte, "base64") {
		t.Fatalf("Content-Transfer-Encoding %q, want base64", cte)
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	l.body = string(body)
	return l
}

// shippingSite is soko served over HTTP on a fresh database, with one
// merchant and its API key, stock on two shelves, the floor's staff, boxes
// and a Yamato number range; the merchant's webhook receiver; the
// warehouse's SMTP server; and a notify worker, all on one test clock.
type shippingSite struct {
	t        testing.TB
	clock    *testClock
	url      string
	shop     client
	merchant *merchantSystem
	mailbox  *mailbox
	worker   *notify.Worker
	scans    int
	db       *storage.DB
	// trips is the most round trips a request of each step cost; spent
	// the time its requests took, and requests how many there were.
	trips    map[string]storage.RoundTrips
	spent    map[string]time.Duration
	requests map[string]int
}

// counted runs a request and keeps the round trips it cost under step
// (the most, over the step's requests), and the time it took.
func (s *shippingSite) counted(step string, request func() reply) reply {
	before := s.db.RoundTrips()
	if os.Getenv("SOKO_TRACE_SQL") != "" {
		s.db.TraceStatements(func(sql string) { s.t.Logf("%s: %s", step, sql) })
		defer s.db.TraceStatements(nil)
	}
	start := time.Now()
	r := request()
	s.spent[step] += time.Since(start)
	s.requests[step]++
	if d := s.db.RoundTrips().Sub(before); d.Total() > s.trips[step].Total() {
		s.trips[step] = d
	}
	return r
}

func mustShippingSite(t testing.TB, db *storage.DB) *shippingSite {
	t.Helper()
	return mustShippingSiteWith(t, db, 20, 10)
}

// mustShippingSiteWith is mustShippingSite with towels and mugs on the shelves.
func mustShippingSiteWith(t testing.TB, db *storage.DB, towels, mugs int) *shippingSite {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: storagetest.Fixed}
	db.Now = clock.now
	secret, _, _ := soko.NewAPIKeySecret()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店", Sender: soko.Address{
			PostalCode: "1110032", Prefecture: "東京都", City: "台東区", Street: "浅草2-3-1",
			Name: "さくら雑貨店 通販係", Phone: "03-3841-0001", Email: "shop@sakura.example",
		}}},
		APIKeys: []soko.SeedAPIKey{{MerchantCode: "SAKURA", Name: "shop system", Secret: secret}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
			{Staff: soko.Staff{BadgeCode: "K001", Name: "佐藤", Role: soko.RolePacker, Active: true}, PIN: "3333"},
			{Staff: soko.Staff{BadgeCode: "S001", Name: "高橋", Role: soko.RoleShipper, Active: true}, PIN: "4444"},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		},
		Locations: []soko.Location{
			{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			{Code: "A-01-02-1", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
		},
		BoxTypes: []soko.BoxType{
			{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60},
			{Code: "BOX80", Name: "80サイズ", InnerLengthMM: 430, InnerWidthMM: 310, InnerHeightMM: 200, MaxWeightGrams: 5000, TareGrams: 250, SizeClass: 80},
		},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: shopProducts["TOWEL"].name, Price: 1650, TaxRate: 10,
				WeightGrams: 200, LengthMM: 300, WidthMM: 200, HeightMM: 30,
				Barcodes: []soko.ProductBarcode{{Code: shopProducts["TOWEL"].jan, PackQuantity: 1}}}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: shopProducts["MUG"].name, Price: 2200, TaxRate: 10,
				WeightGrams: 350, LengthMM: 120, WidthMM: 100, HeightMM: 100,
				Barcodes: []soko.ProductBarcode{{Code: shopProducts["MUG"].jan, PackQuantity: 1}}}},
		},
		Stock: []soko.SeedStock{
			{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: towels}},
			{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: mugs}},
		},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "yamato", First: 12345678901, Last: 12345679900}); err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(New(Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
		Now: clock.now, AllowPrivateWebhooks: true,
	}))
	t.Cleanup(srv.Close)
	merchant := &merchantSystem{clock: clock, accepted: map[string][]webhookEvent{}}
	receiver := httptest.NewServer(merchant)
	t.Cleanup(receiver.Close)
	mb := mustMailbox(t)
	mailer, err := notify.NewMailer("smtp://" + mb.addr + "?from=shipping@soko.example&starttls=none")
	if err != nil {
		t.Fatal(err)
	}
	mailer.Timeout, mailer.Now = 5*time.Second, clock.now
	s := &shippingSite{
		t: t, clock: clock, url: srv.URL, merchant: merchant, mailbox: mb, db: db,
		trips: map[string]storage.RoundTrips{}, spent: map[string]time.Duration{}, requests: map[string]int{},
		shop:   client{t, overHTTP{srv.URL}, secret},
		worker: &notify.Worker{Store: db, Sender: &notify.Sender{AllowPrivate: true, Now: clock.now}, Mailer: mailer, Now: clock.now},
	}

	// The merchant registers its endpoint for every event and keeps the secret.
	ep := s.shop.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": receiver.URL + "/soko/events"})
	endpoint := decode[api.WebhookEndpoint](t, ep)
	if endpoint.Secret == nil || *endpoint.Secret == "" || len(endpoint.EventTypes) != 0 || !endpoint.Enabled {
		t.Fatalf("webhook endpoint: %s", ep.Raw)
	}
	whsec := *endpoint.Secret
	merchant.setSecret(whsec)
	// The receiver really checks: a request signed with another secret is refused.
	forged := []byte(`{"id":"evt_forged","type":"order.shipped"}`)
	req, _ := http.NewRequest("POST", receiver.URL, bytes.NewReader(forged))
	req.Header.Set("Soko-Signature", notify.Sign(clock.now(), forged, "whsec_guessed"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged webhook answered %d, want 400", res.StatusCode)
	}
	return s
}

// overHTTP sends each request the test helpers build to the served soko
// over a real connection, and writes back its answer.
type overHTTP struct{ base string }

func (o overHTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, o.base+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header, req.ContentLength = r.Header.Clone(), r.ContentLength
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	io.Copy(w, res.Body)
}

// signIn signs a badge in on the served soko.
func (s *shippingSite) signIn(badge, pin string) staffClient {
	s.t.Helper()
	return signIn(s.t, overHTTP{s.url}, badge, pin)
}

func (s *shippingSite) scanID(step string) string {
	s.scans++
	return fmt.Sprintf("%s-%06d", step, s.scans)
}

// createOrder sends an order of two towels and a mug, as the shop's system
// does: with an Idempotency-Key, sent twice as after a lost answer.
func (s *shippingSite) createOrder(number string) {
	s.t.Helper()
	o := order(number, line("TOWEL", 2), line("MUG", 1))
	first := s.counted("create order", func() reply {
		return s.shop.must(201, "POST", "/api/v1/orders", o, "Idempotency-Key", "create-"+number)
	})
	again := s.counted("create order, replayed", func() reply {
		return s.shop.must(201, "POST", "/api/v1/orders", o, "Idempotency-Key", "create-"+number)
	})
	created := decode[api.Order](s.t, first)
	if created.Status != "allocated" || again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.Raw, again.Raw) {
		s.t.Fatalf("create %s: %s\nretried: %s", number, first.Raw, again.Raw)
	}
	for _, l := range created.Lines {
		if l.State != "allocated" || l.Allocated != l.Quantity || l.Picked != 0 {
			s.t.Errorf("line of a new order: %+v, want allocated and not picked", l)
		}
	}
}

// ship takes an allocated order across the floor, every step through the
// ops API as the handhelds, the packing station and the dock send it: the
// supervisor releases a wave, the picker picks it, the packer inspects,
// packs and labels it, and the shipper loads its parcels onto the day's
// Yamato pickup and closes it. It returns the parcels' tracking numbers.
// The orders named with leave in number's parcel (同梱): the wave takes
// them all and the pickup ships them all.
func (s *shippingSite) ship(number string, with ...string) []string {
	t := s.t
	t.Helper()
	sup, picker, packer, shipper := s.signIn("V001", "5555"), s.signIn("P001", "1111"), s.signIn("K001", "3333"), s.signIn("S001", "4444")

	if w := sup.op("POST", "/ops/waves", map[string]any{"mode": "batch", "carrier": "yamato"}, sup.csrf); w.Status != 201 || decode[api.Wave](t, w).Orders != 1+len(with) {
		t.Fatalf("release wave: %d %s", w.Status, w.Raw)
	}
	for tasks := 0; ; tasks++ {
		next := s.counted("next pick", func() reply { return picker.op("GET", "/ops/picks/next", nil, "") })
		if next.Status == 404 {
			break
		}
		if next.Status != 200 || tasks > 5*(1+len(with)) {
			t.Fatalf("pick task %d: %d %s", tasks, next.Status, next.Raw)
		}
		task := decode[api.PickTask](t, next)
		path := fmt.Sprintf("/ops/picks/%d/scan", task.Id)
		if r := s.counted("pick scan, the shelf", func() reply {
			return picker.op("POST", path, map[string]any{"scan_id": s.scanID("pick"), "code": task.Location}, picker.csrf)
		}); r.Status != 200 {
			t.Fatalf("scan location: %d %s", r.Status, r.Raw)
		}
		remaining := task.Remaining
		for i := 1; i <= remaining; i++ {
			step := "pick scan"
			if i < remaining {
				step = "pick scan, a unit before the task's last"
			}
			r := s.counted(step, func() reply {
				return picker.op("POST", path, map[string]any{"scan_id": s.scanID("pick"), "code": shopProducts[task.Sku].jan}, picker.csrf)
			})
			if r.Status != 200 || decode[api.PickResult](t, r).TaskDone != (i == remaining) {
				t.Fatalf("pick %s unit %d/%d: %d %s", task.Sku, i, remaining, r.Status, r.Raw)
			}
		}
	}

	st := packer.op("GET", "/ops/station/orders/"+number, nil, "")
	if st.Status != 200 || decode[api.StationOrder](t, st).Status != "picked" {
		t.Fatalf("open %s at the station: %d %s", number, st.Status, st.Raw)
	}
	opened := decode[api.StationOrder](t, st)
	station := fmt.Sprintf("/ops/station/orders/%d", opened.Id)
	var last reply
	for _, l := range opened.Lines {
		for range l.Quantity {
			last = s.counted("inspect scan", func() reply {
				return packer.op("POST", station+"/scan", map[string]any{"scan_id": s.scanID("insp"), "code": shopProducts[l.Sku].jan}, packer.csrf)
			})
			if last.Status != 200 {
				t.Fatalf("inspect %s: %d %s", l.Sku, last.Status, last.Raw)
			}
		}
	}
	if !decode[api.StationResult](t, last).Inspected {
		t.Fatalf("every unit scanned, yet not inspected: %s", last.Raw)
	}
	var parcels []map[string]any
	for _, rec := range opened.Recommended {
		// The scale reads a little over what box and contents should weigh.
		parcels = append(parcels, map[string]any{"box": rec.Box, "weight_grams": rec.WeightGrams + 15})
	}
	if p := s.counted("pack", func() reply {
		return packer.op("POST", station+"/pack", map[string]any{"parcels": parcels}, packer.csrf)
	}); len(parcels) == 0 || p.Status != 200 || decode[api.StationOrder](t, p).Status != "packed" {
		t.Fatalf("pack into %v: %d %s", parcels, p.Status, p.Raw)
	}
	label := s.counted("label", func() reply { return packer.op("POST", station+"/label", nil, packer.csrf) })
	if label.Status != 200 || decode[api.LabelResult](t, label).Order.Status != "labeled" {
		t.Fatalf("label: %d %s", label.Status, label.Raw)
	}
	var numbers []string
	for _, p := range decode[api.LabelResult](t, label).Parcels {
		numbers = append(numbers, p.TrackingNumber)
	}

	today := s.clock.now().In(soko.JST).Format("2006-01-02")
	m := shipper.op("POST", "/ops/manifests", map[string]any{"carrier": "yamato", "pickup_date": today}, shipper.csrf)
	if m.Status != 200 || decode[api.Manifest](t, m).Status != "open" {
		t.Fatalf("open the pickup of %s: %d %s", today, m.Status, m.Raw)
	}
	manifest := fmt.Sprintf("/ops/manifests/%d", decode[api.Manifest](t, m).Id)
	for _, n := range numbers {
		// The label's NW-7 barcode, as the scanner sends it: with start/stop characters.
		if r := s.counted("handover scan", func() reply {
			return shipper.op("POST", manifest+"/scan", map[string]any{"scan_id": s.scanID("load"), "code": "a" + n + "a"}, shipper.csrf)
		}); r.Status != 200 {
			t.Fatalf("load %s: %d %s", n, r.Status, r.Raw)
		}
	}
	closed := shipper.op("POST", manifest+"/close", map[string]any{}, shipper.csrf)
	if closed.Status != 200 || fmt.Sprint(decode[api.HandoverResult](t, closed).Shipped) != fmt.Sprint(append([]string{number}, with...)) {
		t.Fatalf("close the pickup: %d %s", closed.Status, closed.Raw)
	}
	return numbers
}

// deliver runs the worker until nothing more is due now, and reports how
// many notifications it delivered and how many failed.
func (s *shippingSite) deliver() (delivered, failed int) {
	s.t.Helper()
	for range 20 {
		d, f, err := s.worker.RunOnce(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		if d+f == 0 {
			return delivered, failed
		}
		delivered, failed = delivered+d, failed+f
	}
	s.t.Fatal("the worker always found more to deliver")
	return 0, 0
}

func TestShip_OrderToShippedWithEmailAndWebhook(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustShippingSite(t, db)
		s.createOrder("SO-1")
		numbers := s.ship("SO-1")
		if len(numbers) != 1 || len(numbers[0]) != 12 {
			t.Fatalf("tracking numbers %v, want one of 12 digits", numbers)
		}
		number := numbers[0]

		// The merchant's system sees the order shipped, with its tracking.
		o := s.shop.must(200, "GET", "/api/v1/orders/SO-1", nil)
		shipped := decode[api.Order](t, o)
		if shipped.Status != "shipped" || fmt.Sprint(shipped.TrackingNumbers) != "["+number+"]" {
			t.Fatalf("order after handover: %s, want shipped with tracking number %s", o.Raw, number)
		}
		for _, l := range shipped.Lines {
			if l.State != "shipped" || l.Picked != l.Quantity || l.Allocated != l.Quantity {
				t.Errorf("line after handover: %+v", l)
			}
		}
		var path []string
		for _, e := range decode[api.OrderEventList](t, s.shop.must(200, "GET", "/api/v1/orders/SO-1/events", nil)).Data {
			if to := e.To; len(path) == 0 || path[len(path)-1] != to {
				path = append(path, to)
			}
		}
		if got := strings.Join(path, " → "); got != "received → allocated → picking → picked → inspected → packed → labeled → shipped" {
			t.Fatalf("order history: %s", got)
		}
		shipments := decode[api.ShipmentList](t, s.shop.must(200, "GET", "/api/v1/shipments", nil)).Data
		if len(shipments) != 1 {
			t.Fatalf("shipments %+v", shipments)
		}
		if sh := shipments[0]; sh.OrderNo != "SO-1" || sh.TrackingNumber != number || sh.TrackingUrl != yamatoTracking+number {
			t.Fatalf("shipment %+v", sh)
		}

		// Nothing has gone out before the worker runs; then everything, once.
		if _, _, letters := s.mailbox.received(); len(letters) != 0 {
			t.Fatal("an email went out before the worker ran")
		}
		if d, f := s.deliver(); d != 7 || f != 0 {
			t.Fatalf("worker delivered %d and failed %d, want 6 webhooks and 1 email", d, f)
		}

		from, to, letters := s.mailbox.received()
		if len(letters) != 1 || from[0] != "shipping@soko.example" || to[0] != "taro@example.jp" {
			t.Fatalf("%d emails, envelope from %v to %v; want one from shipping@soko.example to taro@example.jp", len(letters), from, to)
		}
		l := mustReadLetter(t, letters[0])
		if !strings.Contains(l.subject, "SO-1") || !strings.Contains(l.subject, "発送") {
			t.Errorf("subject %q", l.subject)
		}
		if l.from.Name != "さくら雑貨店 通販係" || l.from.Address != "shipping@soko.example" {
			t.Errorf("From %+v, want the merchant's sender name at the warehouse's address", l.from)
		}
		if l.replyTo.Address != "shop@sakura.example" {
			t.Errorf("Reply-To %+v, want the merchant's address", l.replyTo)
		}
		for _, want := range []string{shopProducts["TOWEL"].name, shopProducts["MUG"].name, yamatoTracking + number} {
			if !strings.Contains(l.body, want) {
				t.Errorf("body lacks %q:\n%s", want, l.body)
			}
		}
		if strings.Contains(l.body, "代金引換") {
			t.Errorf("a prepaid order's email asks for payment on delivery:\n%s", l.body)
		}

		events := s.merchant.events(t, "SO-1")
		if got := strings.Join(eventTypes(events), ","); got != "order.received,order.allocated,order.picked,order.packed,order.labeled,order.shipped" {
			t.Fatalf("events %s", got)
		}
		for i, e := range events {
			if i > 0 && e.Sequence <= events[i-1].Sequence {
				t.Errorf("%s has sequence %d after %s's %d", e.Type, e.Sequence, events[i-1].Type, events[i-1].Sequence)
			}
			if e.Order.Status != strings.TrimPrefix(e.Type, "order.") {
				t.Errorf("%s says the order is %s", e.Type, e.Order.Status)
			}
		}
		if ps := events[5].Data.Parcels; len(ps) != 1 || ps[0].TrackingNumber != number || ps[0].TrackingURL != yamatoTracking+number {
			t.Errorf("order.shipped parcels %+v", ps)
		}
		if ds := decode[api.WebhookDeliveryList](t, s.shop.must(200, "GET", "/api/v1/webhook-deliveries?status=delivered", nil)).Data; len(ds) != 6 {
			t.Errorf("delivered webhooks listed: %+v", ds)
		}

		// Running again sends nothing more: each notification went exactly once.
		if d, f := s.deliver(); d+f != 0 {
			t.Fatalf("second run delivered %d, failed %d", d, f)
		}
		if _, _, again := s.mailbox.received(); len(again) != 1 {
			t.Fatalf("%d emails after a second run", len(again))
		}
		if accepted, refused := s.merchant.counts(); accepted != 6 || refused != 0 {
			t.Fatalf("receiver accepted %d, refused %d after a second run", accepted, refused)
		}
	})
}

func TestShip_DeadDeliveriesRedelivered(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustShippingSite(t, db)

		// The merchant's system is down when the order arrives, for over a day.
		s.merchant.setDown(true)
		s.createOrder("SO-1")
		if d, f := s.deliver(); d != 0 || f != 2 {
			t.Fatalf("with the receiver down: delivered %d, failed %d; want order.received and order.allocated failed", d, f)
		}
		start := s.clock.now()
		var dead []api.WebhookDelivery
		for range 10 {
			if dead = decode[api.WebhookDeliveryList](t, s.shop.must(200, "GET", "/api/v1/webhook-deliveries?status=dead", nil)).Data; len(dead) > 0 {
				break
			}
			s.clock.add(6 * time.Hour) // longer than any backoff: each round is an attempt
			s.deliver()
		}
		if waited := s.clock.now().Sub(start); len(dead) != 2 || waited < 24*time.Hour {
			t.Fatalf("after %s: dead %+v; want both dead, after at least a day", waited, dead)
		}
		for _, d := range dead {
			if !pointsTo(d.OrderNo, "SO-1") || d.Attempts < 2 || d.LastError == nil || !strings.Contains(*d.LastError, "503") {
				t.Fatalf("dead delivery %+v", d)
			}
		}
		_, refused := s.merchant.counts()

		// Back up, the merchant asks for both again; each arrives once.
		s.merchant.setDown(false)
		for _, d := range dead {
			id := d.Id
			r := s.shop.must(202, "POST", fmt.Sprintf("/api/v1/webhook-deliveries/%d/redeliver", id), nil, "Idempotency-Key", fmt.Sprintf("redeliver-%d", id))
			if decode[api.WebhookDelivery](t, r).Status != "pending" {
				t.Fatalf("redeliver: %s", r.Raw)
			}
		}
		if d, f := s.deliver(); d != 2 || f != 0 {
			t.Fatalf("redelivered %d, failed %d", d, f)
		}
		if got := strings.Join(eventTypes(s.merchant.events(t, "SO-1")), ","); got != "order.received,order.allocated" {
			t.Fatalf("after redelivery the merchant has %s", got)
		}
		if accepted, again := s.merchant.counts(); accepted != 2 || again != refused {
			t.Fatalf("receiver accepted %d, refused %d more", accepted, again-refused)
		}
		if r := s.shop.must(200, "GET", "/api/v1/webhook-deliveries?status=dead", nil); len(decode[api.WebhookDeliveryList](t, r).Data) != 0 {
			t.Fatalf("still dead: %s", r.Raw)
		}

		// The customer's mailbox does not exist when the order ships: the
		// email is dead at once, while the webhook goes.
		numbers := s.ship("SO-1")
		s.mailbox.setRefuse(true)
		if d, f := s.deliver(); d != 4 || f != 1 {
			t.Fatalf("delivered %d, failed %d; want the picked, packed, labeled and shipped webhooks delivered and the email failed", d, f)
		}
		if es := s.merchant.events(t, "SO-1"); len(es) != 6 || es[5].Type != "order.shipped" || es[5].Data.Parcels[0].TrackingNumber != numbers[0] {
			t.Fatalf("events %v", es)
		}
		sup := s.signIn("V001", "5555")
		list := sup.op("GET", "/ops/deliveries?channel=email&status=dead", nil, "")
		if list.Status != 200 || len(decode[api.OpsDeliveryList](t, list).Data) != 1 {
			t.Fatalf("dead emails: %d %s", list.Status, list.Raw)
		}
		email := decode[api.OpsDeliveryList](t, list).Data[0]
		if !pointsTo(email.OrderNo, "SO-1") || email.Attempts != 1 || email.LastError == nil || !strings.Contains(*email.LastError, "550") {
			t.Fatalf("dead email %+v", email)
		}
		id := email.Id
		// It is the warehouse's email: the merchant cannot see it, nor a shipper redeliver it.
		s.shop.must(404, "POST", fmt.Sprintf("/api/v1/webhook-deliveries/%d/redeliver", id), nil)
		shipper := s.signIn("S001", "4444")
		if r := shipper.op("POST", fmt.Sprintf("/ops/deliveries/%d/redeliver", id), nil, shipper.csrf); r.Status != 403 {
			t.Fatalf("a shipper redelivering: %d", r.Status)
		}

		// The customer fixes the address book; the supervisor sends it again.
		s.mailbox.setRefuse(false)
		if r := sup.op("POST", fmt.Sprintf("/ops/deliveries/%d/redeliver", id), nil, sup.csrf); r.Status != 200 || decode[api.OpsDelivery](t, r).Status != "pending" {
			t.Fatalf("redeliver: %d %s", r.Status, r.Raw)
		}
		// A second press while it waits to be sent does not send it twice.
		if r := sup.op("POST", fmt.Sprintf("/ops/deliveries/%d/redeliver", id), nil, sup.csrf); r.Status != 409 {
			t.Fatalf("redelivering a pending email: %d %s", r.Status, r.Raw)
		}
		if d, f := s.deliver(); d != 1 || f != 0 {
			t.Fatalf("redelivered %d, failed %d", d, f)
		}
		_, to, letters := s.mailbox.received()
		if len(letters) != 1 || to[0] != "taro@example.jp" || !strings.Contains(mustReadLetter(t, letters[0]).body, yamatoTracking+numbers[0]) {
			t.Fatalf("%d emails to %v", len(letters), to)
		}
		detail := sup.op("GET", fmt.Sprintf("/ops/deliveries/%d", id), nil, "")
		got := decode[api.OpsDeliveryDetail](t, detail)
		attempts := got.AttemptLog
		if got.Status != "delivered" || len(attempts) != 2 ||
			attempts[0].StatusCode != 550 || attempts[1].Error != nil {
			t.Fatalf("delivery log: %s", detail.Raw)
		}
		if d, f := s.deliver(); d+f != 0 {
			t.Fatalf("a further run delivered %d, failed %d", d, f)
		}
		if _, _, again := s.mailbox.received(); len(again) != 1 {
			t.Fatalf("%d emails after a further run", len(again))
		}
	})
}
