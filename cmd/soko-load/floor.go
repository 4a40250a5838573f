package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// The ship-to addresses orders go to: real postal codes of their prefectures.
var loadAddresses = []api.ShipTo{
	{PostalCode: "100-0005", Prefecture: "東京都", City: "千代田区", Address1: "丸の内1-9-1"},
	{PostalCode: "530-0001", Prefecture: "大阪府", City: "大阪市北区", Address1: "梅田1-12-17"},
	{PostalCode: "460-0008", Prefecture: "愛知県", City: "名古屋市中区", Address1: "栄3-15-8"},
	{PostalCode: "060-0001", Prefecture: "北海道", City: "札幌市中央区", Address1: "北一条西4-2-5"},
	{PostalCode: "812-0011", Prefecture: "福岡県", City: "福岡市博多区", Address1: "博多駅前2-9-14"},
	{PostalCode: "980-0021", Prefecture: "宮城県", City: "仙台市青葉区", Address1: "中央2-8-13"},
	{PostalCode: "600-8216", Prefecture: "京都府", City: "京都市下京区", Address1: "東塩小路町579"},
	{PostalCode: "231-0023", Prefecture: "神奈川県", City: "横浜市中区", Address1: "山下町84"},
}

var loadRecipients = []string{"山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健", "伊藤 さくら", "渡辺 翔", "中村 結衣"}

var loadSlots = []api.TimeSlot{api.TimeSlotEmpty, api.TimeSlotAm, api.TimeSlotN1416, api.TimeSlotN1921}

// loadOrder is one order a merchant's system sends.
type loadOrder struct {
	merchant *loadMerchant
	number   string
	body     api.OrderInput
}

// makeOrder builds the i-th order of the run, the same for the same seed.
func (l *loader) makeOrder(i int) loadOrder {
	rng := rand.New(rand.NewPCG(l.o.seed, uint64(i)))
	m := &l.w.Merchants[i%len(l.w.Merchants)]
	number := fmt.Sprintf("%s-%s-%06d", m.Code, l.run, i+1)
	lines := []api.OrderLineInput{}
	for _, p := range rng.Perm(len(m.Products))[:min(len(m.Products), 1+rng.IntN(3))] {
		q := 1
		if rng.IntN(4) == 0 {
			q = 2
		}
		lines = append(lines, api.OrderLineInput{Sku: m.Products[p].SKU, Quantity: q})
	}
	c := loadCarriers[rng.IntN(len(loadCarriers))]
	name := loadRecipients[rng.IntN(len(loadRecipients))]
	to := loadAddresses[rng.IntN(len(loadAddresses))]
	to.Name, to.Phone, to.Email = name, ptr("03-1234-5678"), ptr("customer@load.example")
	return loadOrder{merchant: m, number: number, body: api.OrderInput{
		OrderNo: number, ShipTo: to, Lines: lines, Carrier: ptr(api.OrderInputCarrier(c.code)), Service: ptr(c.service),
		TimeSlot: ptr(loadSlots[rng.IntN(len(loadSlots))]),
	}}
}

// ptr is v's address, for the generated types' optional fields.
func ptr[T any](v T) *T { return &v }

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
				body: api.WaveInput{Mode: ptr(api.Batch), MaxOrders: ptr(l.o.waveSize)}, expected: []int{http.StatusNotFound}})
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
			body: api.PickScanInput{ScanId: fmt.Sprintf("%s-%s-%d", l.run, s.badge.Badge, scans), Code: code}})
		return a, err == nil && a.Status == http.StatusOK
	}
	for ctx.Err() == nil {
		a, err := l.send(ctx, home, request{kind: kPickNext, method: http.MethodGet, path: "/ops/picks/next", staff: s, expected: []int{http.StatusNotFound}})
		if err != nil {
			continue
		}
		var t api.PickTask
		if a.Status != http.StatusOK || !a.decode(&t) {
			sleep(ctx, jitter(3*time.Second)) // nothing to pick yet: ask again in a while
			continue
		}
		if t.WaveNo != wave {
			wave = t.WaveNo
			l.claimed.Add(1)
		}
		if !t.LocationConfirmed {
			if !sleep(ctx, jitter(l.o.think)) {
				return
			}
			if _, ok := scan(t.Id, t.Location); !ok {
				continue
			}
		}
		for range t.Remaining {
			if !sleep(ctx, jitter(l.o.think/2)) {
				return
			}
			a, ok := scan(t.Id, l.jans[t.Sku])
			if !ok {
				break
			}
			var r api.PickResult
			if a.decode(&r) && r.OrderPicked != nil {
				l.totes.push(*r.OrderPicked)
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
			for _, status := range []api.OrderStatus{api.OrderStatusPicked, api.OrderStatusInspected, api.OrderStatusPacked} {
				a, err := l.send(ctx, 0, request{kind: kOrderList, method: http.MethodGet, path: "/api/v1/orders?limit=200&status=" + string(status), apiKey: m.Key})
				var list api.OrderList
				if err != nil || a.Status != http.StatusOK || !a.decode(&list) {
					continue
				}
				for _, o := range list.Data {
					l.totes.push(o.OrderNo)
				}
			}
		}
	}
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
		var o api.StationOrder
		if err != nil || a.Status != http.StatusOK || !a.decode(&o) {
			return
		}
		base := fmt.Sprintf("/ops/station/orders/%d", o.Id)
		if o.Status == api.OrderStatusPicked {
			ok := true
			for _, line := range o.Lines {
				for k := line.Inspected; k < line.Quantity && ok; k++ {
					*scans++
					if !sleep(ctx, jitter(pause)) {
						return
					}
					a, err := l.send(ctx, home, request{kind: kInspectScan, method: http.MethodPost, path: base + "/scan", staff: s,
						body: api.InspectScanInput{ScanId: fmt.Sprintf("%s-%s-%d", l.run, s.badge.Badge, *scans), Code: l.jans[line.Sku]}})
					var r api.StationResult
					ok = err == nil && a.Status == http.StatusOK && a.decode(&r)
					if ok {
						o = r.Order
					}
				}
			}
			if !ok || o.Status != api.OrderStatusInspected {
				continue
			}
		}
		if o.Status == api.OrderStatusInspected {
			if len(o.Recommended) == 0 {
				fmt.Fprintf(l.out, "order %s fits no box\n", number)
				return
			}
			var pack api.PackInput
			pack.Parcels = slices.Grow(pack.Parcels, len(o.Recommended))[:len(o.Recommended)]
			for i, p := range o.Recommended {
				// The scale reads a little over or under what it should.
				pack.Parcels[i].Box, pack.Parcels[i].WeightGrams = p.Box, p.WeightGrams-10+rand.IntN(25)
			}
			if !sleep(ctx, jitter(pause)) {
				return
			}
			a, err := l.send(ctx, home, request{kind: kPack, method: http.MethodPost, path: base + "/pack", staff: s, body: pack})
			if err != nil || a.Status != http.StatusOK || !a.decode(&o) {
				continue
			}
		}
		if o.Status == api.OrderStatusPacked {
			a, err := l.send(ctx, home, request{kind: kLabel, method: http.MethodPost, path: base + "/label", staff: s})
			if err != nil || a.Status != http.StatusOK {
				continue
			}
			return
		}
		return // labelled already, or not picked yet
	}
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
		today := openapi_types.Date{Time: time.Now().In(soko.JST)}
		a, err := l.send(ctx, home, request{kind: kManifestOpen, method: http.MethodPost, path: "/ops/manifests", staff: s,
			body: api.ManifestInput{Carrier: api.ManifestInputCarrier(carrier), PickupDate: today}})
		var m api.Manifest
		if err != nil || a.Status != http.StatusOK || !a.decode(&m) {
			sleep(ctx, time.Second)
			continue
		}
		opened, lastLoad := time.Now(), time.Now()
		for ctx.Err() == nil {
			for _, p := range m.MissingParcels {
				scans++
				if !sleep(ctx, jitter(l.o.think/5)) {
					return
				}
				a, err := l.send(ctx, home, request{kind: kHandoverScan, method: http.MethodPost, path: fmt.Sprintf("/ops/manifests/%d/scan", m.Id), staff: s,
					body: api.HandoverScanInput{ScanId: fmt.Sprintf("%s-%s-%d", l.run, s.badge.Badge, scans), Code: "a" + p.TrackingNumber + "a"}})
				if err == nil && (a.Status == http.StatusOK || a.Status == http.StatusConflict) {
					m.Loaded++
					lastLoad = time.Now()
				}
			}
			due := time.Since(opened) >= l.o.truckEvery || (l.intakeDone.Load() && time.Since(lastLoad) >= 3*time.Second)
			if m.Loaded > 0 && due {
				l.closeTruck(ctx, home, s, m.Id)
				break
			}
			if !sleep(ctx, jitter(time.Second)) {
				return
			}
			a, err := l.send(ctx, home, request{kind: kManifestGet, method: http.MethodGet, path: fmt.Sprintf("/ops/manifests/%d", m.Id), staff: s})
			var fresh api.Manifest
			if err != nil || a.Status != http.StatusOK || !a.decode(&fresh) || fresh.Status != api.ManifestStatusOpen {
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
	a, err := l.send(ctx, home, request{kind: kClose, method: http.MethodPost, path: path, staff: s, body: api.CloseManifestInput{}, expected: []int{http.StatusConflict}})
	if err == nil && a.Status == http.StatusConflict && a.problemField("supervisor") {
		a, err = l.send(ctx, home, request{kind: kClose, method: http.MethodPost, path: path, staff: s,
			body: api.CloseManifestInput{SupervisorBadge: &l.w.Supervisor.Badge, SupervisorPin: &l.w.Supervisor.PIN}})
	}
	var r api.HandoverResult
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
var onItsWay = []api.OrderStatus{api.OrderStatusReceived, api.OrderStatusBackordered, api.OrderStatusAllocated, api.OrderStatusPicking,
	api.OrderStatusPicked, api.OrderStatusInspected, api.OrderStatusPacked, api.OrderStatusLabeled}

func (l *loader) nothingOnItsWay(ctx context.Context) bool {
	for _, m := range l.w.Merchants {
		for _, st := range onItsWay {
			a, err := l.send(ctx, 0, request{kind: kOrderList, method: http.MethodGet, path: "/api/v1/orders?limit=1&status=" + string(st), apiKey: m.Key})
			var list api.OrderList
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
			var page api.OrderList
			if err != nil || a.Status != http.StatusOK || !a.decode(&page) {
				statuses["(could not list)"]++
				break
			}
			for _, o := range page.Data {
				statuses[string(o.Status)]++
				if want[o.OrderNo] == m.Code {
					seen[o.OrderNo] = true
					if o.Status == api.OrderStatusShipped {
						shipped++
					}
				}
			}
			if page.NextCursor == nil || *page.NextCursor == "" {
				break
			}
			cursor = *page.NextCursor
		}
	}
	return statuses, shipped, len(want) - len(seen), len(want)
}
