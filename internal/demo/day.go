package demo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// Floor is what a played day does to the store: the calls the shops' API,
// the handhelds, the packing station, the dock and the console make.
type Floor interface {
	PutProduct(ctx context.Context, p *soko.Product) (created bool, err error)
	CreateOrder(ctx context.Context, o *soko.Order) error
	AllocateOrder(ctx context.Context, orderID int64, rules soko.AllocationRules) (soko.OrderStatus, error)
	CreateTrackingRange(ctx context.Context, r *soko.TrackingRange) error
	ReleaseWave(ctx context.Context, req soko.WaveRequest) (*soko.Wave, error)
	NextPickTask(ctx context.Context, staffID int64) (*soko.PickTask, error)
	Pick(ctx context.Context, s *soko.PickScan) (*soko.PickOutcome, error)
	ReportShort(ctx context.Context, s *soko.ShortPick, rules soko.AllocationRules) (*soko.PickOutcome, error)
	RecordRefusedScan(ctx context.Context, e soko.ScanEvent, status int, response []byte) error
	StationOrder(ctx context.Context, code string) (*soko.Order, error)
	Inspect(ctx context.Context, s *soko.InspectScan) (*soko.Order, *soko.InspectCount, error)
	PackItems(ctx context.Context, orderID int64) ([]soko.PackItem, error)
	BoxTypes(ctx context.Context) ([]soko.BoxType, error)
	Pack(ctx context.Context, p *soko.PackRequest) (*soko.Order, error)
	PackChecks(ctx context.Context, orderID int64) ([]soko.PackCheck, error)
	Label(ctx context.Context, orderID, staffID int64, device string) (*soko.LabelResult, error)
	RecordPrint(ctx context.Context, orderID int64, document string, staffID int64) (reprint bool, err error)
	OpenManifest(ctx context.Context, m *soko.Manifest) error
	LoadParcel(ctx context.Context, s *soko.HandoverScan) (*soko.ManifestParcel, *soko.Manifest, error)
	CloseManifest(ctx context.Context, c *soko.CloseManifest) (*soko.HandoverResult, error)
	RecordManifestPrint(ctx context.Context, manifestID, staffID int64) (reprint bool, err error)
	PutSupplier(ctx context.Context, s *soko.Supplier) (created bool, err error)
}

// dayLength is how long the played day is in its own time, from the
// opening to its end; the store's clock runs it faster when less of the
// real day has passed.
const dayLength = 8 * time.Hour

// The day's mishaps, each on an order or shelf the demo names, so a
// supervisor has one of every exception to follow up.
const (
	// shortOrder's 有田焼 湯呑み shelf holds one cup fewer than the books:
	// the picker reports it short and the order waits for a supervisor.
	shortOrder, shortSKU = "SKR-100002", "SKR-0015"
	// wrongItemOrder's packer first scans a towel from the tote beside it.
	wrongItemOrder, wrongItemSKU = "SKR-100007", "SKR-0001"
	// heavyOrder's parcel of tea weighs more than it should (the packer
	// added the shop's paper cushioning) and is packed with the weight
	// confirmed.
	heavyOrder = "MDR-100001"
	// leftBehind's parcel is behind a roll cage when Yamato's afternoon
	// pickup closes: the supervisor lets the truck go without it.
	leftBehind = "MDR-100009"
)

// stationStops are orders the packing station leaves on its bench: a vase
// waits for bubble wrap after inspection, and a parcel for its label.
var stationStops = map[string]soko.OrderStatus{"SKR-100015": soko.OrderInspected, "MDR-100014": soko.OrderPacked}

// Everyone breaks for lunch in the middle of the day, and the packer's
// shift ends before the day does: orders picked after it wait.
const (
	lunch, lunchEnds = 150 * time.Minute, 210 * time.Minute
	stationCloses    = 465 * time.Minute
)

// Day is a working day on the demo floor up to a moment, played through a
// Floor as the warehouse's people would work it: shops syncing reorder
// points and sending orders overnight and through the day, allocated on
// arrival; batch waves;
// pickers walking their lists; the packing station inspecting, packing and
// labelling; the dock loading Yamato's two pickups and Japan Post's, and
// staging parcels for Sagawa's and Yamato's evening trucks.
//
// The store's clock must follow the day (storage's Now set to the Day's
// Now) so that every order event, scan and ledger line carries its moment
// and the dashboard's hourly charts show a day's shape. The day opens
// eight hours before it ends, but not before 07:00 in Japan — not before
// midnight when it ends before 10:00 — so all of it is today's; when less
// of today has passed, the same day runs faster and ends the same way.
type Day struct {
	// Opening is the warehouse as the day finds it, to Load before Play:
	// the seed without its orders, which shops send while the day is
	// played. Load gives its merchants, staff and products their ids.
	Opening *soko.Seed

	orders    []soko.SeedOrder // in the order they arrive
	open, end time.Time
	at        time.Duration // how far the day has got, in its own time from the opening

	ctx       context.Context
	floor     Floor
	people    map[string]person
	barcodes  map[int64]barcodes
	walk      map[string]int // location code to walk sequence
	scans     int
	picked    []string // orders picked and waiting for the station, in order
	dockShelf []shelved
	loaded    int // parcels scanned onto trucks
}

// person is a member of staff at work, with the device they scan on.
type person struct {
	id     int64
	device string
}

// barcodes are a product's unit barcode and, when it has one, its case's.
type barcodes struct {
	unit, caseCode string
	casePack       int
}

// shelved is a labelled parcel waiting at the dock for its carrier.
type shelved struct {
	order, carrier, tracking string
}

// NewDay returns the day of the demo warehouse seed that ends at end. Its
// clock stands the evening before, for loading d.Opening into the store
// whose Now is set to the day's.
func NewDay(seed *soko.Seed, end time.Time) *Day {
	opening := *seed
	opening.Orders = nil
	return &Day{Opening: &opening, orders: byArrival(seed.Orders), open: opensAt(end), end: end, at: -11 * time.Hour}
}

// opensAt is when the day ending at end opens: eight hours before, but
// neither in yesterday nor, once the morning is three hours old, before
// 07:00.
func opensAt(end time.Time) time.Time {
	y, m, d := end.In(soko.JST).Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, soko.JST)
	earliest := midnight.Add(7 * time.Hour)
	if end.Sub(earliest) < 3*time.Hour {
		earliest = midnight
	}
	if start := end.Add(-dayLength); start.After(earliest) {
		return start
	}
	return earliest
}

// byArrival interleaves the merchants' orders, each merchant's in its own
// order: shops send their orders through the day side by side.
func byArrival(orders []soko.SeedOrder) []soko.SeedOrder {
	var merchants []string
	per := map[string][]soko.SeedOrder{}
	for _, o := range orders {
		if per[o.MerchantCode] == nil {
			merchants = append(merchants, o.MerchantCode)
		}
		per[o.MerchantCode] = append(per[o.MerchantCode], o)
	}
	out := make([]soko.SeedOrder, 0, len(orders))
	for i := 0; len(out) < len(orders); i++ {
		for _, m := range merchants {
			if i < len(per[m]) {
				out = append(out, per[m][i])
			}
		}
	}
	return out
}

// Now is the day's clock: where the day has got to, as the store records it.
func (d *Day) Now() time.Time { return d.clock(d.at) }

// clock is the time in the real day of the moment at of the played one.
func (d *Day) clock(at time.Duration) time.Time {
	// In milliseconds, so the product stays in an int64 and a day played at
	// its own speed lands on exact seconds.
	ms := at.Milliseconds() * d.end.Sub(d.open).Milliseconds() / dayLength.Milliseconds()
	return d.open.Add(time.Duration(ms) * time.Millisecond)
}

// Play works the day, once, through f, whose clock follows d.Now, on the
// warehouse loaded from d.Opening. It ends with the clock at the day's end.
func (d *Day) Play(ctx context.Context, f Floor) error {
	d.ctx, d.floor = ctx, f
	d.people = map[string]person{}
	devices := map[string]string{"P001": "HH-3F9A21", "P002": "HH-8C04D7", "K001": "ST-2A94C6", "S001": "HH-51E6B2"}
	for _, s := range d.Opening.Staff {
		d.people[s.BadgeCode] = person{id: s.ID, device: devices[s.BadgeCode]}
	}
	d.barcodes = map[int64]barcodes{}
	for _, p := range d.Opening.Products {
		var b barcodes
		for _, c := range p.Barcodes {
			if c.PackQuantity > 1 {
				b.caseCode, b.casePack = c.Code, c.PackQuantity
			} else {
				b.unit = c.Code
			}
		}
		d.barcodes[p.ID] = b
	}
	d.walk = map[string]int{}
	for _, l := range d.Opening.Locations {
		d.walk[l.Code] = l.WalkSequence
	}
	// Each carrier gave the warehouse a range of tracking numbers before the day.
	for _, r := range []soko.TrackingRange{
		{Carrier: "yamato", First: 43_801_254_000, Last: 43_801_263_999},
		{Carrier: "sagawa", First: 36_407_715_000, Last: 36_407_724_999},
		{Carrier: "japanpost", First: 11_863_302_000, Last: 11_863_311_999},
	} {
		if err := f.CreateTrackingRange(ctx, &r); err != nil {
			return fmt.Errorf("demo day: tracking range of %s: %w", r.Carrier, err)
		}
	}
	err := d.work(d.shops, d.supervisor, d.picker("P001"), d.picker("P002"), d.station, d.dock)
	d.at = dayLength
	return err
}

// reorderPoints are what the shops' systems set, in the night's product
// sync, for products that take long to restock: the available units at
// which the warehouse raises a low-stock alert.
var reorderPoints = map[string]int{"SKR-0016": 3, "SKR-0028": 3, "MDR-0027": 4}

// suppliers are whom the shops buy from, as their systems register them:
// the replenishment console has suggestions to show from the first day.
var suppliers = []soko.Supplier{
	{Code: "IMABARI", Name: "今治タオル工業株式会社", LeadTimeDays: 10, MinOrderQty: 12, OrderMultiple: 6, Contact: "営業部 0898-00-0000",
		SKUs: []string{"SKR-0001", "SKR-0002", "SKR-0003"}},
	{Code: "TOKONAME", Name: "常滑陶器", LeadTimeDays: 21, MinOrderQty: 4, OrderMultiple: 2, Contact: "発注係 0569-00-0000 / order@tokoname.example.jp",
		SKUs: []string{"SKR-0016", "SKR-0028"}},
}

// shops sync their products' reorder points, then send the day's orders,
// overnight and through the day; each is allocated as it arrives, as the
// API does, or waits for stock.
func (d *Day) shops(s *shift) error {
	if err := s.until(-10*time.Hour - 30*time.Minute); err != nil {
		return err
	}
	for _, sp := range d.Opening.Products {
		if n, ok := reorderPoints[sp.SKU]; ok {
			p := sp.Product
			p.ReorderPoint = n
			if _, err := d.floor.PutProduct(d.ctx, &p); err != nil {
				return fmt.Errorf("demo day: reorder point of %s: %w", p.SKU, err)
			}
		}
	}
	merchants := map[string]int64{}
	for _, m := range d.Opening.Merchants {
		merchants[m.Code] = m.ID
	}
	for _, sup := range suppliers {
		sup.MerchantID, sup.SKUs = merchants[sakura], append([]string(nil), sup.SKUs...)
		if _, err := d.floor.PutSupplier(d.ctx, &sup); err != nil {
			return fmt.Errorf("demo day: supplier %s: %w", sup.Code, err)
		}
	}
	half := len(d.orders) / 2
	for i, so := range d.orders {
		// Half came in overnight; the rest through the day.
		at := -10*time.Hour + time.Duration(i)*9*time.Hour/time.Duration(max(half, 1))
		if i >= half {
			at = 20*time.Minute + time.Duration(i-half)*7*time.Hour/time.Duration(len(d.orders)-half)
		}
		if err := s.until(at); err != nil {
			return err
		}
		o := so.Order
		o.MerchantID = merchants[so.MerchantCode]
		o.Lines = append([]soko.OrderLine(nil), so.Lines...)
		if why := refusal(&o); why != "" {
			return fmt.Errorf("demo day: order %s would be refused by the API: %s", o.Number, why)
		}
		if err := d.floor.CreateOrder(d.ctx, &o); err != nil {
			return fmt.Errorf("demo day: order %s arrives: %w", o.Number, err)
		}
		if _, err := d.floor.AllocateOrder(d.ctx, o.ID, soko.AllocationRules{}); err != nil {
			return fmt.Errorf("demo day: allocate %s: %w", o.Number, err)
		}
	}
	return nil
}

// waves are the batch waves the supervisor releases through the day, the
// oldest allocated orders first, each for one of the pickers, who starts
// on it a few minutes later. The last is still being picked at the end.
var waves = []struct {
	at     time.Duration
	orders int
	picker string
}{
	{5 * time.Minute, 4, "P001"},
	{40 * time.Minute, 4, "P002"},
	{80 * time.Minute, 4, "P001"},
	{120 * time.Minute, 4, "P002"},
	{lunchEnds + 2*time.Minute, 4, "P001"},
	{250 * time.Minute, 4, "P002"},
	{290 * time.Minute, 4, "P001"},
	{335 * time.Minute, 3, "P002"},
	{380 * time.Minute, 2, "P001"},
	{470 * time.Minute, 3, "P002"},
}

// supervisor releases the day's waves.
func (d *Day) supervisor(s *shift) error {
	me := d.people["V001"]
	for _, w := range waves {
		if err := s.until(w.at); err != nil {
			return err
		}
		_, err := d.floor.ReleaseWave(d.ctx, soko.WaveRequest{MaxOrders: w.orders, Mode: soko.WaveBatch, StaffID: me.id})
		if err != nil && soko.ErrorCode(err) != soko.ENOTFOUND {
			return fmt.Errorf("demo day: release a wave: %w", err)
		}
	}
	return nil
}

// picker is a picker's day: for each of their waves, they ask their
// handheld for work and pick the whole list it gives them.
func (d *Day) picker(badge string) func(*shift) error {
	return func(s *shift) error {
		me := d.people[badge]
		first := true
		for _, w := range waves {
			if w.picker != badge {
				continue
			}
			if err := s.until(w.at + 3*time.Minute); err != nil {
				return err
			}
			// Once in the day the second picker reads the wrong shelf's label first.
			if err := d.pickList(s, me, badge == "P002" && first); err != nil {
				return err
			}
			first = false
		}
		return nil
	}
}

// pickList walks the picker's list to its end: to each shelf, its label
// scanned, then its units, each case by its case code.
func (d *Day) pickList(s *shift, me person, misread bool) error {
	t, err := d.floor.NextPickTask(d.ctx, me.id)
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("demo day: next pick task: %w", err)
	}
	from := 0
	for {
		walked := d.walk[t.LocationCode] - from
		if err := s.rest(40*time.Second + time.Duration(max(walked, -walked))*400*time.Millisecond); err != nil {
			return err
		}
		from = d.walk[t.LocationCode]
		if misread {
			misread = false
			wrong := d.beside(t.LocationCode)
			if err := d.refuse(me, "pick", wrong, d.pick(&soko.PickScan{TaskID: t.ID, Code: wrong, Location: true}, me)); err != nil {
				return err
			}
			if err := s.rest(5 * time.Second); err != nil {
				return err
			}
		}
		if err := d.pick(&soko.PickScan{TaskID: t.ID, Code: t.LocationCode, Location: true}, me); err != nil {
			return err
		}
		var out *soko.PickOutcome
		for left := t.Remaining(); left > 0; {
			if err := s.rest(6 * time.Second); err != nil {
				return err
			}
			if t.OrderNumber == shortOrder && t.SKU == shortSKU && left < t.Remaining() {
				// The shelf is empty after the first unit: the picker reports the rest short.
				out, err = d.floor.ReportShort(d.ctx, &soko.ShortPick{ScanID: d.scanID(), TaskID: t.ID, StaffID: me.id, Device: me.device}, soko.AllocationRules{})
				if err != nil {
					return fmt.Errorf("demo day: report %s short: %w", t.OrderNumber, err)
				}
				break
			}
			b := d.barcodes[t.ProductID]
			scan := &soko.PickScan{ScanID: d.scanID(), TaskID: t.ID, StaffID: me.id, Device: me.device, Code: b.unit, ProductID: t.ProductID, Units: 1}
			if b.casePack > 1 && left >= b.casePack {
				scan.Code, scan.Units = b.caseCode, b.casePack
			}
			if out, err = d.floor.Pick(d.ctx, scan); err != nil {
				return fmt.Errorf("demo day: pick %s for %s: %w", t.SKU, t.OrderNumber, err)
			}
			left -= scan.Units
		}
		if out == nil {
			return fmt.Errorf("demo day: task %d of %s has nothing left to pick", t.ID, t.OrderNumber)
		}
		if out.OrderPicked != "" {
			d.picked = append(d.picked, out.OrderPicked)
		}
		if out.Task.Left == 0 {
			return nil
		}
		if t, err = d.floor.NextPickTask(d.ctx, me.id); err != nil {
			return fmt.Errorf("demo day: next pick task: %w", err)
		}
	}
}

// beside is the pick shelf next to code in the walk, whose label a picker
// may read by mistake.
func (d *Day) beside(code string) string {
	near, gap := "", 0
	for _, l := range d.Opening.Locations {
		g := max(l.WalkSequence-d.walk[code], d.walk[code]-l.WalkSequence)
		if l.Code != code && l.Kind == soko.LocationPick && (near == "" || g < gap) {
			near, gap = l.Code, g
		}
	}
	return near
}

// pick applies a scan of a shelf's label.
func (d *Day) pick(scan *soko.PickScan, me person) error {
	scan.ScanID, scan.StaffID, scan.Device = d.scanID(), me.id, me.device
	_, err := d.floor.Pick(d.ctx, scan)
	return err
}

// station is the packing station's day: each picked order, in the order
// the pickers finished them, inspected unit by unit, packed in the boxes
// the station recommends, weighed, labelled and its documents printed.
func (d *Day) station(s *shift) error {
	me := d.people["K001"]
	boxes, err := d.floor.BoxTypes(d.ctx)
	if err != nil {
		return fmt.Errorf("demo day: box types: %w", err)
	}
	for d.at < stationCloses {
		if d.at >= lunch && d.at < lunchEnds {
			if err := s.until(lunchEnds); err != nil {
				return err
			}
		}
		if len(d.picked) == 0 {
			if err := s.rest(2 * time.Minute); err != nil {
				return err
			}
			continue
		}
		number := d.picked[0]
		d.picked = d.picked[1:]
		if err := s.rest(time.Minute); err != nil { // the tote to the bench, its slip barcode scanned
			return err
		}
		o, err := d.floor.StationOrder(d.ctx, number)
		if err != nil {
			return fmt.Errorf("demo day: station scans %s: %w", number, err)
		}
		if number == wrongItemOrder {
			if err := d.refuse(me, "inspect", d.barcodes[d.productID(wrongItemSKU)].unit, d.inspect(o, me, d.productID(wrongItemSKU), 1)); err != nil {
				return err
			}
		}
		for _, l := range o.Lines {
			b := d.barcodes[l.ProductID]
			for left := l.Quantity; left > 0; {
				if err := s.rest(7 * time.Second); err != nil {
					return err
				}
				units := 1
				if b.casePack > 1 && left >= b.casePack {
					units = b.casePack
				}
				if err := d.inspect(o, me, l.ProductID, units); err != nil {
					return fmt.Errorf("demo day: inspect %s of %s: %w", l.SKU, number, err)
				}
				left -= units
			}
		}
		if stationStops[number] == soko.OrderInspected {
			continue
		}
		if err := s.rest(150 * time.Second); err != nil { // boxed, cushioned, sealed and weighed
			return err
		}
		if err := d.pack(o, me, boxes); err != nil {
			return err
		}
		if stationStops[number] == soko.OrderPacked {
			continue
		}
		if err := s.rest(40 * time.Second); err != nil {
			return err
		}
		res, err := d.floor.Label(d.ctx, o.ID, me.id, me.device)
		if err != nil {
			return fmt.Errorf("demo day: label %s: %w", number, err)
		}
		for _, doc := range []string{"slip", "label"} {
			if _, err := d.floor.RecordPrint(d.ctx, o.ID, doc, me.id); err != nil {
				return fmt.Errorf("demo day: print %s of %s: %w", doc, number, err)
			}
		}
		for _, p := range res.Parcels {
			d.dockShelf = append(d.dockShelf, shelved{order: number, carrier: p.Carrier, tracking: p.TrackingNumber})
		}
	}
	return nil
}

// inspect applies a scan of units at the packing station.
func (d *Day) inspect(o *soko.Order, me person, productID int64, units int) error {
	b := d.barcodes[productID]
	code := b.unit
	if units > 1 {
		code = b.caseCode
	}
	_, _, err := d.floor.Inspect(d.ctx, &soko.InspectScan{ScanID: d.scanID(), OrderID: o.ID, StaffID: me.id, Device: me.device,
		Code: code, Items: []soko.ScannedItem{{Product: &soko.Product{ID: productID, MerchantID: o.MerchantID}, Units: units}}})
	return err
}

// pack closes the order's parcels in the boxes the station recommends, as
// the scale weighs them; a weight off by more than the tolerance is
// confirmed by the packer with a note, as the station asks.
func (d *Day) pack(o *soko.Order, me person, boxes []soko.BoxType) error {
	items, err := d.floor.PackItems(d.ctx, o.ID)
	if err != nil {
		return fmt.Errorf("demo day: pack items of %s: %w", o.Number, err)
	}
	plans := soko.RecommendBoxes(items, boxes, o.ThinAllowed(carrier.ServiceThin(o.Carrier, o.Service)))
	if len(plans) == 0 {
		return fmt.Errorf("demo day: no box fits order %s", o.Number)
	}
	req := &soko.PackRequest{OrderID: o.ID, StaffID: me.id, Device: me.device, ConfirmWeight: true}
	for i, p := range plans {
		// Scales and cushioning vary by a few grams.
		w := p.WeightGrams + int(o.ID*7+int64(i)*3)%25 - 8
		if o.Number == heavyOrder {
			w = p.WeightGrams * 115 / 100
		}
		req.Parcels = append(req.Parcels, soko.PackedParcel{BoxCode: p.Box.Code, WeightGrams: w})
	}
	// The packer wraps, puts on the のし and card, and ticks each off.
	checks, err := d.floor.PackChecks(d.ctx, o.ID)
	if err != nil {
		return fmt.Errorf("demo day: checklist of %s: %w", o.Number, err)
	}
	for _, c := range checks {
		req.Confirmed = append(req.Confirmed, c.Key)
	}
	if _, err := d.floor.Pack(d.ctx, req); err != nil {
		return fmt.Errorf("demo day: pack %s: %w", o.Number, err)
	}
	return nil
}

// pickups are the day's trucks, each opened for loading at from and
// closed at its pickup time at.
var pickups = []struct {
	carrier  string
	from, at time.Duration
}{
	{"yamato", 110 * time.Minute, 140 * time.Minute},
	{"yamato", 300 * time.Minute, 330 * time.Minute},
	{"japanpost", 360 * time.Minute, 390 * time.Minute},
}

// evening is when the dock opens the evening's pickups, Sagawa's and
// Yamato's last, which come after the day's end.
var evening = []struct {
	carrier string
	at      time.Duration
}{
	{"sagawa", dayLength + 75*time.Minute},
	{"yamato", dayLength + 2*time.Hour},
}

// dock is the shipper's day: each pickup loaded parcel by parcel as the
// station labels them and closed when its truck comes, a supervisor
// letting it go without a missing parcel; then the evening's pickups
// opened and loading when the day ends.
func (d *Day) dock(s *shift) error {
	me, boss := d.people["S001"], d.people["V001"]
	for _, p := range pickups {
		if err := s.until(p.from); err != nil {
			return err
		}
		m, err := d.openPickup(p.carrier, p.at)
		if err != nil {
			return err
		}
		if err := d.load(s, p.at, m); err != nil {
			return err
		}
		c := &soko.CloseManifest{ManifestID: m.ID, StaffID: me.id, Device: me.device}
		_, err = d.floor.CloseManifest(d.ctx, c)
		if soko.ErrorCode(err) == soko.ECONFLICT && hasField(err, "supervisor") {
			// Parcels are missing: the supervisor comes to the dock and confirms.
			if err := s.rest(3 * time.Minute); err != nil {
				return err
			}
			if c.ConfirmedBy, err = soko.ConfirmingSupervisor(soko.Staff{ID: me.id, Role: soko.RoleShipper}, false,
				&soko.Staff{ID: boss.id, Role: soko.RoleSupervisor}); err != nil {
				return err
			}
			_, err = d.floor.CloseManifest(d.ctx, c)
		}
		if err != nil {
			return fmt.Errorf("demo day: close %s's pickup: %w", p.carrier, err)
		}
		if _, err := d.floor.RecordManifestPrint(d.ctx, m.ID, me.id); err != nil {
			return fmt.Errorf("demo day: print %s's handover list: %w", p.carrier, err)
		}
	}
	if err := s.until(440 * time.Minute); err != nil {
		return err
	}
	var open []*soko.Manifest
	for _, p := range evening {
		m, err := d.openPickup(p.carrier, p.at)
		if err != nil {
			return err
		}
		open = append(open, m)
	}
	return d.load(s, evening[len(evening)-1].at, open...)
}

// openPickup opens the carrier's pickup that comes at at.
func (d *Day) openPickup(carrierCode string, at time.Duration) (*soko.Manifest, error) {
	m := &soko.Manifest{Carrier: carrierCode, PickupDate: japaneseDate(d.Now()), PickupTime: d.pickupTime(at), OpenedBy: d.people["S001"].id}
	if err := d.floor.OpenManifest(d.ctx, m); err != nil {
		return nil, fmt.Errorf("demo day: open %s's pickup: %w", carrierCode, err)
	}
	return m, nil
}

// load scans the parcels on the dock's shelf onto the open pickups of
// their carriers as they come, until until; the shelf is swept once more
// then, so what is labelled in time goes. Once in the day a parcel is
// scanned twice, and the second scan refused.
func (d *Day) load(s *shift, until time.Duration, open ...*soko.Manifest) error {
	me := d.people["S001"]
	for {
		var next shelved
		var m *soko.Manifest
		for _, o := range open {
			if p, ok := d.fromShelf(o.Carrier); ok {
				next, m = p, o
				break
			}
		}
		if m == nil && d.at >= until {
			return nil
		}
		if m == nil {
			if err := s.rest(min(5*time.Minute, until-d.at)); err != nil {
				return err
			}
			continue
		}
		if err := s.rest(25 * time.Second); err != nil {
			return err
		}
		scan := &soko.HandoverScan{ManifestID: m.ID, Code: next.tracking, ScanID: d.scanID(), StaffID: me.id, Device: me.device}
		if _, _, err := d.floor.LoadParcel(d.ctx, scan); err != nil {
			return fmt.Errorf("demo day: load %s onto %s's pickup: %w", next.tracking, m.Carrier, err)
		}
		if d.loaded++; d.loaded == 3 {
			if err := s.rest(4 * time.Second); err != nil {
				return err
			}
			scan.ScanID = d.scanID()
			_, _, err := d.floor.LoadParcel(d.ctx, scan)
			if err := d.refuse(me, "handover", next.tracking, err); err != nil {
				return err
			}
		}
	}
}

// fromShelf takes the next parcel for the carrier off the dock's shelf,
// all but the one left behind.
func (d *Day) fromShelf(carrierCode string) (shelved, bool) {
	for i, p := range d.dockShelf {
		if p.carrier == carrierCode && p.order != leftBehind {
			d.dockShelf = append(d.dockShelf[:i:i], d.dockShelf[i+1:]...)
			return p, true
		}
	}
	return shelved{}, false
}

// pickupTime is the time in Japan, to the minute, the day reaches at at;
// for a pickup after the day's end it is rounded up to the half hour, and
// it never passes into tomorrow.
func (d *Day) pickupTime(at time.Duration) string {
	t := d.clock(at).In(soko.JST)
	if at > dayLength {
		t = t.Add(29*time.Minute + 59*time.Second).Truncate(30 * time.Minute)
	}
	if t.YearDay() != d.end.In(soko.JST).YearDay() {
		return "23:59"
	}
	return t.Format("15:04")
}

// refuse records a scan the store refused, as the server records it for
// the supervisors' error rates. A scan that was not refused is an error:
// the day went differently from its script.
func (d *Day) refuse(me person, step, code string, err error) error {
	if err == nil {
		return fmt.Errorf("demo day: the %s scan of %s was not refused", step, code)
	}
	// The statuses the server answers these refusals with.
	status := map[string]int{soko.EINVALID: 422, soko.ECONFLICT: 409}[soko.ErrorCode(err)]
	if status == 0 {
		return fmt.Errorf("demo day: %s scan of %s: %w", step, code, err)
	}
	e := soko.ScanEvent{StaffID: me.id, Device: me.device, Step: step, Code: code,
		Result: "urn:soko:problem:" + soko.ErrorCode(err), Message: soko.ErrorMessage(err, "ja")}
	if err := d.floor.RecordRefusedScan(d.ctx, e, status, nil); err != nil {
		return fmt.Errorf("demo day: record a refused %s scan: %w", step, err)
	}
	return nil
}

// scanID is the next scan's id, unique as a device's random ones are.
func (d *Day) scanID() string {
	d.scans++
	return fmt.Sprintf("de%030x", d.scans)
}

// productID is the id of the product with sku.
func (d *Day) productID(sku string) int64 {
	for _, p := range d.Opening.Products {
		if p.SKU == sku {
			return p.ID
		}
	}
	return 0
}

// hasField reports whether a soko error names field among its fields.
func hasField(err error, field string) bool {
	for _, f := range soko.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// shift is one person's part of the day, written as plain steps: until
// and rest hand the floor to whoever is due next, so everyone's steps
// reach the store in the order of their moments.
type shift struct {
	d     *Day
	yield func(time.Duration) bool
}

// errDayOver ends a shift that is still working when the day ends.
var errDayOver = errors.New("the day is over")

// until waits for the moment at of the day.
func (s *shift) until(at time.Duration) error {
	if !s.yield(max(at, s.d.at)) {
		return errDayOver
	}
	return nil
}

// rest waits for a while.
func (s *shift) rest(d time.Duration) error { return s.until(s.d.at + d) }

// work plays the shifts side by side until every one has ended or the
// day has, always running the one due first (the first listed of those
// due together), and returns the first error.
func (d *Day) work(shifts ...func(*shift) error) error {
	var failed error
	type worker struct {
		next func() (time.Duration, bool)
		stop func()
		due  time.Duration
		done bool
	}
	workers := make([]*worker, len(shifts))
	for i, fn := range shifts {
		next, stop := iter.Pull(func(yield func(time.Duration) bool) {
			if err := fn(&shift{d: d, yield: yield}); err != nil && !errors.Is(err, errDayOver) && failed == nil {
				failed = err
			}
		})
		workers[i] = &worker{next: next, stop: stop, due: d.at}
	}
	defer func() {
		for _, w := range workers {
			w.stop()
		}
	}()
	for failed == nil {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		var w *worker
		for _, c := range workers {
			if !c.done && (w == nil || c.due < w.due) {
				w = c
			}
		}
		if w == nil || w.due > dayLength {
			return nil
		}
		d.at = w.due
		due, ok := w.next()
		w.due, w.done = due, !ok
	}
	return failed
}
