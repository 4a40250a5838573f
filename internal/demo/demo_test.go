package demo

import (
	"encoding/base32"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/gs1"
	"github.com/soko-wms/soko/internal/soko"
)

// testNow is late in the evening in Japan, when the UTC date is still the day
// before: dates must follow the Japanese calendar, not UTC's.
var testNow = time.Date(2026, 3, 14, 23, 30, 0, 0, time.FixedZone("JST", 9*60*60))

// prefecturePostal holds the first three digits of the postal codes of each of
// the 47 prefectures. It is coarse: a few border towns (e.g. 大阪府島本町,
// 618) fall outside their prefecture's range, and the demo uses none of them.
var prefecturePostal = map[string][][2]int{
	"北海道": {{1, 9}, {40, 99}}, "青森県": {{30, 39}}, "岩手県": {{20, 29}}, "宮城県": {{980, 989}},
	"秋田県": {{10, 19}}, "山形県": {{990, 999}}, "福島県": {{960, 979}},
	"茨城県": {{300, 319}}, "栃木県": {{320, 329}}, "群馬県": {{370, 379}}, "埼玉県": {{330, 369}},
	"千葉県": {{260, 299}}, "東京都": {{100, 209}}, "神奈川県": {{210, 259}},
	"新潟県": {{940, 959}}, "富山県": {{930, 939}}, "石川県": {{920, 929}}, "福井県": {{910, 919}},
	"山梨県": {{400, 409}}, "長野県": {{380, 399}}, "岐阜県": {{500, 509}}, "静岡県": {{410, 439}},
	"愛知県": {{440, 499}}, "三重県": {{510, 519}},
	"滋賀県": {{520, 529}}, "京都府": {{600, 629}}, "大阪府": {{530, 599}}, "兵庫県": {{650, 679}},
	"奈良県": {{630, 639}}, "和歌山県": {{640, 649}},
	"鳥取県": {{680, 689}}, "島根県": {{690, 699}}, "岡山県": {{700, 719}}, "広島県": {{720, 739}},
	"山口県": {{740, 759}},
	"徳島県": {{770, 779}}, "香川県": {{760, 769}}, "愛媛県": {{790, 799}}, "高知県": {{780, 789}},
	"福岡県": {{800, 839}}, "佐賀県": {{840, 849}}, "長崎県": {{850, 859}}, "熊本県": {{860, 869}},
	"大分県": {{870, 879}}, "宮崎県": {{880, 889}}, "鹿児島県": {{890, 899}}, "沖縄県": {{900, 909}},
}

var (
	postalCode = regexp.MustCompile(`^[0-9]{7}$`)
	phone      = regexp.MustCompile(`^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{4}$`)
	email      = regexp.MustCompile(`^[a-z0-9._-]+@([a-z0-9-]+\.)*example\.jp$`)
	skuPattern = map[string]*regexp.Regexp{
		"SAKURA": regexp.MustCompile(`^SKR-[0-9]{4}$`),
		"MIDORI": regexp.MustCompile(`^MDR-[0-9]{4}$`),
	}
	orderNumber = map[string]*regexp.Regexp{
		"SAKURA": regexp.MustCompile(`^SKR-[0-9]{6}$`),
		"MIDORI": regexp.MustCompile(`^MDR-[0-9]{6}$`),
	}
	rackCode   = regexp.MustCompile(`^([A-Z])-([0-9]{2})-([0-9]{2})-([0-9])$`)
	apiSecret  = regexp.MustCompile(`^soko_[a-z2-7]{32}$`)
	pinPattern = regexp.MustCompile(`^[0-9]{4,6}$`)
	lotCode    = regexp.MustCompile(`^L[0-9]{4}[A-Z]$`)
)

// services are the carrier services the demo's orders may ask for.
var services = map[string]string{"yamato": "takkyubin", "sagawa": "hikyaku", "japanpost": "yupack"}

// mustWarehouse returns the demo warehouse as of testNow.
func mustWarehouse(tb testing.TB) *soko.Seed {
	tb.Helper()
	s := Warehouse(testNow)
	if s == nil {
		tb.Fatal("Warehouse returned nil")
	}
	return s
}

// checkAddress reports what is wrong with an address, prefixed with where.
func checkAddress(t *testing.T, where string, a soko.Address) {
	t.Helper()
	if !postalCode.MatchString(a.PostalCode) {
		t.Errorf("%s: postal code %q is not 7 digits", where, a.PostalCode)
	}
	ranges, ok := prefecturePostal[a.Prefecture]
	if !ok {
		t.Errorf("%s: %q is not one of the 47 prefectures", where, a.Prefecture)
	} else if n, err := strconv.Atoi(a.PostalCode[:min(3, len(a.PostalCode))]); err == nil {
		in := false
		for _, r := range ranges {
			in = in || (r[0] <= n && n <= r[1])
		}
		if !in {
			t.Errorf("%s: postal code %s is not in %s", where, a.PostalCode, a.Prefecture)
		}
	}
	if a.City == "" || a.Street == "" || a.Name == "" {
		t.Errorf("%s: city, street and name are required: %+v", where, a)
	}
	if !strings.ContainsAny(a.Street, "0123456789") {
		t.Errorf("%s: street %q has no 番地", where, a.Street)
	}
	if !phone.MatchString(a.Phone) {
		t.Errorf("%s: phone %q is not like 090-1234-5678", where, a.Phone)
	} else if d := len(strings.ReplaceAll(a.Phone, "-", "")); d != 10 && d != 11 {
		t.Errorf("%s: phone %q has %d digits, want 10 or 11", where, a.Phone, d)
	}
	if a.Email != "" && !email.MatchString(a.Email) {
		t.Errorf("%s: email %q is not at example.jp", where, a.Email)
	}
}

// utcDate reports whether t is a calendar date: midnight UTC.
func utcDate(t time.Time) bool {
	return t.Location() == time.UTC && t.Equal(t.Truncate(24*time.Hour))
}

func TestWarehouse_Deterministic(t *testing.T) {
	a, b := Warehouse(testNow), Warehouse(testNow)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls with the same now differ")
	}
	// A caller that changes its seed must not change the next one.
	a.Products[0].Barcodes[0].Code = "changed"
	a.Orders[0].Lines[0].Quantity = 999
	a.Locations[0].Code = "changed"
	a.BoxTypes[0].Code = "changed"
	if c := Warehouse(testNow); !reflect.DeepEqual(b, c) {
		t.Fatal("changing one seed changed the next")
	}
}

func TestWarehouse_Counts(t *testing.T) {
	s := mustWarehouse(t)
	kinds := map[soko.LocationKind]int{}
	for _, l := range s.Locations {
		kinds[l.Kind]++
	}
	tests := []struct {
		what     string
		got      int
		min, max int
	}{
		{"merchants", len(s.Merchants), 2, 2},
		{"products", len(s.Products), 50, 70},
		{"orders", len(s.Orders), 35, 45},
		{"pick locations", kinds[soko.LocationPick], 35, 45},
		{"reserve locations", kinds[soko.LocationReserve], 2, 10},
		{"receiving locations", kinds[soko.LocationReceiving], 1, 1},
		{"dock locations", kinds[soko.LocationDock], 1, 1},
		{"API keys", len(s.APIKeys), 2, 2},
		{"box types", len(s.BoxTypes), 4, 8},
	}
	for _, tt := range tests {
		if tt.got < tt.min || tt.got > tt.max {
			t.Errorf("%d %s, want %d..%d", tt.got, tt.what, tt.min, tt.max)
		}
	}
}

func TestWarehouse_Merchants(t *testing.T) {
	s := mustWarehouse(t)
	for _, m := range s.Merchants {
		if err := m.Validate(); err != nil {
			t.Errorf("merchant %s: %v", m.Code, err)
		}
		if m.SlipMessage == "" {
			t.Errorf("merchant %s has no slip message", m.Code)
		}
		checkAddress(t, "merchant "+m.Code, m.Sender)
		if _, ok := skuPattern[m.Code]; !ok {
			t.Errorf("merchant %s has no SKU pattern in this test", m.Code)
		}
	}
}

func TestWarehouse_Staff(t *testing.T) {
	s := mustWarehouse(t)
	roles := map[soko.Role]int{}
	badges := map[string]bool{}
	for _, st := range s.Staff {
		if err := st.Validate(); err != nil {
			t.Errorf("staff %s: %v", st.BadgeCode, err)
		}
		if badges[st.BadgeCode] {
			t.Errorf("badge %s is used twice", st.BadgeCode)
		}
		badges[st.BadgeCode] = true
		if !st.Active {
			t.Errorf("staff %s is not active", st.BadgeCode)
		}
		if !pinPattern.MatchString(st.PIN) {
			t.Errorf("staff %s: PIN %q is not 4-6 digits", st.BadgeCode, st.PIN)
		}
		if err := soko.CheckNewPIN(st.PIN, st.Role, st.BadgeCode); err != nil {
			t.Errorf("staff %s: PIN %q breaks the PIN rules: %v", st.BadgeCode, st.PIN, err)
		}
		if st.PINHash != "" {
			t.Errorf("staff %s has a PIN hash; storage hashes PIN", st.BadgeCode)
		}
		roles[st.Role]++
	}
	for _, r := range soko.Roles {
		if roles[r] == 0 {
			t.Errorf("no staff with role %s", r)
		}
	}
	if roles[soko.RolePicker] < 2 {
		t.Errorf("%d pickers, want 2", roles[soko.RolePicker])
	}
}

func TestWarehouse_Products(t *testing.T) {
	s := mustWarehouse(t)
	skus := map[string]bool{} // across merchants, because stock rows find their merchant by SKU
	codes := map[string]map[string]string{}
	for _, p := range s.Products {
		where := p.MerchantCode + " " + p.SKU
		if pat, ok := skuPattern[p.MerchantCode]; !ok || !pat.MatchString(p.SKU) {
			t.Errorf("%s: SKU does not fit the merchant", where)
		}
		if skus[p.SKU] {
			t.Errorf("%s: SKU is used twice", where)
		}
		skus[p.SKU] = true
		if p.Name == "" || p.Price <= 0 || p.WeightGrams <= 0 || p.LengthMM <= 0 || p.WidthMM <= 0 || p.HeightMM <= 0 {
			t.Errorf("%s: name, price, weight and dimensions are required: %+v", where, p.Product)
		}
		if !soko.ValidTaxRate(p.TaxRate) {
			t.Errorf("%s: tax rate %d", where, p.TaxRate)
		}
		wantRate := map[string]int{"SAKURA": 10, "MIDORI": 8}[p.MerchantCode]
		// Alcoholic drinks and seasonings (本みりん is 14 % alcohol) are not
		// food under the reduced rate (issue 22 finding 8).
		for _, alcohol := range []string{"本みりん", "酒", "ワイン", "ビール"} {
			if strings.Contains(p.Name, alcohol) && !strings.Contains(p.Name, "みりん風") {
				wantRate = 10
			}
		}
		if p.TaxRate != wantRate {
			t.Errorf("%s: tax rate %d, want %d", where, p.TaxRate, wantRate)
		}
		if p.TrackLot != p.TrackExpiry || (p.TrackLot && p.MerchantCode != "MIDORI") {
			t.Errorf("%s: lot %v, expiry %v: only food tracks both", where, p.TrackLot, p.TrackExpiry)
		}
		if codes[p.MerchantCode] == nil {
			codes[p.MerchantCode] = map[string]string{}
		}
		for _, b := range p.Barcodes {
			if other, ok := codes[p.MerchantCode][b.Code]; ok {
				t.Errorf("%s: barcode %s is also %s's", where, b.Code, other)
			}
			codes[p.MerchantCode][b.Code] = p.SKU
		}
		checkBarcodes(t, where, p.Barcodes)
	}
}

// checkBarcodes checks that a product has one JAN first and at most one case code for it.
func checkBarcodes(t *testing.T, where string, bs []soko.ProductBarcode) {
	t.Helper()
	if len(bs) == 0 || len(bs) > 2 {
		t.Errorf("%s: %d barcodes, want a JAN and maybe a case code", where, len(bs))
		return
	}
	jan := bs[0]
	if len(jan.Code) != 13 || !(strings.HasPrefix(jan.Code, "45") || strings.HasPrefix(jan.Code, "49")) {
		t.Errorf("%s: JAN %q is not 13 digits starting 45 or 49", where, jan.Code)
	}
	if !gs1.Valid(jan.Code) {
		t.Errorf("%s: JAN %s has a wrong check digit", where, jan.Code)
	}
	if c, err := gs1.ParseAt(jan.Code, testNow); err != nil || c.Kind != gs1.EAN13 || c.GTIN != jan.Code {
		t.Errorf("%s: JAN %s parses as %+v, %v", where, jan.Code, c, err)
	}
	if jan.PackQuantity != 1 {
		t.Errorf("%s: JAN %s packs %d, want 1", where, jan.Code, jan.PackQuantity)
	}
	if len(bs) == 1 {
		return
	}
	cs := bs[1]
	if len(cs.Code) != 14 || cs.Code[0] != '1' || len(jan.Code) < 12 || cs.Code[1:13] != jan.Code[:12] {
		t.Errorf("%s: case code %q is not 1 + %s's first 12 digits + check digit", where, cs.Code, jan.Code)
	}
	if !gs1.Valid(cs.Code) {
		t.Errorf("%s: case code %s has a wrong check digit", where, cs.Code)
	}
	if c, err := gs1.ParseAt(cs.Code, testNow); err != nil || !c.IsCase() || c.ItemGTIN() != jan.Code {
		t.Errorf("%s: case code %s parses as %+v, %v; want a case of %s", where, cs.Code, c, err, jan.Code)
	}
	if !slices.Contains([]int{6, 12, 24}, cs.PackQuantity) {
		t.Errorf("%s: case code %s packs %d, want 6, 12 or 24", where, cs.Code, cs.PackQuantity)
	}
}

func TestWarehouse_Locations(t *testing.T) {
	s := mustWarehouse(t)
	codes := map[string]bool{}
	seqs := map[int]string{}
	for _, l := range s.Locations {
		if codes[l.Code] {
			t.Errorf("location %s is listed twice", l.Code)
		}
		codes[l.Code] = true
		if other, ok := seqs[l.WalkSequence]; ok {
			t.Errorf("locations %s and %s share walk sequence %d", other, l.Code, l.WalkSequence)
		}
		seqs[l.WalkSequence] = l.Code
		switch l.Kind {
		case soko.LocationPick, soko.LocationReserve:
			m := rackCode.FindStringSubmatch(l.Code)
			if m == nil || m[1] != l.Zone {
				t.Errorf("location %s in zone %s is not zone-aisle-bay-level", l.Code, l.Zone)
			}
		case soko.LocationReceiving:
			if l.Code != "RCV-01" {
				t.Errorf("receiving location is %s, want RCV-01", l.Code)
			}
		case soko.LocationDock:
			if l.Code != "DOCK-01" {
				t.Errorf("dock location is %s, want DOCK-01", l.Code)
			}
		default:
			t.Errorf("location %s has kind %q", l.Code, l.Kind)
		}
	}
	zones := map[string]bool{}
	for _, l := range s.Locations {
		if l.Kind == soko.LocationPick {
			zones[l.Zone] = true
		}
	}
	if !zones["A"] || !zones["B"] || len(zones) != 2 {
		t.Errorf("pick zones %v, want A and B", zones)
	}
}

// TestWarehouse_Serpentine walks the pick shelves in walk sequence: within an
// aisle the bays only go one way, and that way turns at every new aisle.
func TestWarehouse_Serpentine(t *testing.T) {
	s := mustWarehouse(t)
	var pick []soko.Location
	for _, l := range s.Locations {
		if l.Kind == soko.LocationPick {
			pick = append(pick, l)
		}
	}
	slices.SortFunc(pick, func(a, b soko.Location) int { return a.WalkSequence - b.WalkSequence })
	prevAisle, prevBay, dir, aisles, wantDir := "", 0, 0, map[string]bool{}, 1
	for _, l := range pick {
		m := rackCode.FindStringSubmatch(l.Code)
		if m == nil {
			t.Fatalf("pick location %s is not zone-aisle-bay-level", l.Code)
		}
		aisle := m[1] + "-" + m[2]
		bay, _ := strconv.Atoi(m[3])
		if aisle != prevAisle {
			if aisles[aisle] {
				t.Fatalf("walk comes back to aisle %s at %s", aisle, l.Code)
			}
			aisles[aisle] = true
			if prevAisle != "" {
				wantDir = -dir
			}
			prevAisle, prevBay, dir = aisle, bay, 0
			continue
		}
		if bay == prevBay {
			continue
		}
		step := 1
		if bay < prevBay {
			step = -1
		}
		if dir == 0 {
			dir = step
			if dir != wantDir {
				t.Errorf("aisle %s runs %+d, want %+d (serpentine)", aisle, dir, wantDir)
			}
		} else if step != dir {
			t.Errorf("walk turns inside aisle %s at %s", aisle, l.Code)
		}
		prevBay = bay
	}
}

func TestWarehouse_Stock(t *testing.T) {
	s := mustWarehouse(t)
	products := map[[2]string]soko.Product{}
	for _, p := range s.Products {
		products[[2]string{p.MerchantCode, p.SKU}] = p.Product
	}
	locations := map[string]soko.Location{}
	for _, l := range s.Locations {
		locations[l.Code] = l
	}
	rows := map[[3]string]bool{}
	onPick := map[string]bool{}
	lots := map[string]int{}
	for _, st := range s.Stock {
		where := st.MerchantCode + " " + st.SKU + " at " + st.LocationCode
		p, ok := products[[2]string{st.MerchantCode, st.SKU}]
		if !ok {
			t.Errorf("%s: no such product", where)
		}
		l, ok := locations[st.LocationCode]
		if !ok {
			t.Errorf("%s: no such location", where)
		} else if l.Kind != soko.LocationPick && l.Kind != soko.LocationReserve {
			t.Errorf("%s: stock on a %s location", where, l.Kind)
		}
		if l.Kind == soko.LocationPick {
			onPick[st.SKU] = true
		}
		key := [3]string{st.LocationCode, st.SKU, st.Lot}
		if rows[key] {
			t.Errorf("%s: lot %q is listed twice", where, st.Lot)
		}
		rows[key] = true
		if st.OnHand < 5 || st.OnHand > 200 || st.Allocated != 0 {
			t.Errorf("%s: on hand %d, allocated %d; want 5..200 and 0", where, st.OnHand, st.Allocated)
		}
		if p.TrackLot != (st.Lot != "") || p.TrackExpiry != !st.Expiry.IsZero() {
			t.Errorf("%s: lot %q, expiry %v for a product tracking lot %v, expiry %v", where, st.Lot, st.Expiry, p.TrackLot, p.TrackExpiry)
		}
		if st.Lot != "" {
			lots[st.SKU]++
			if !lotCode.MatchString(st.Lot) {
				t.Errorf("%s: lot %q is not like L2611A", where, st.Lot)
			}
		}
		if !st.Expiry.IsZero() && (!utcDate(st.Expiry) || !st.Expiry.After(testNow)) {
			t.Errorf("%s: expiry %v is not a future date at midnight UTC", where, st.Expiry)
		}
	}
	for _, p := range s.Products {
		if !onPick[p.SKU] {
			t.Errorf("%s has no stock on a pick shelf", p.SKU)
		}
		if p.TrackLot && lots[p.SKU] < 2 {
			t.Errorf("%s tracks lots but has %d", p.SKU, lots[p.SKU])
		}
	}
}

func TestWarehouse_Orders(t *testing.T) {
	s := mustWarehouse(t)
	products := map[[2]string]soko.Product{}
	for _, p := range s.Products {
		products[[2]string{p.MerchantCode, p.SKU}] = p.Product
	}
	numbers := map[[2]string]bool{}
	prefectures := map[string]bool{}
	carriers := map[string]int{}
	var cod, gift, slots, dated int
	for _, o := range s.Orders {
		where := o.MerchantCode + " " + o.Number
		if pat, ok := orderNumber[o.MerchantCode]; !ok || !pat.MatchString(o.Number) {
			t.Errorf("%s: number does not fit the merchant", where)
		}
		if numbers[[2]string{o.MerchantCode, o.Number}] {
			t.Errorf("%s: number is used twice", where)
		}
		numbers[[2]string{o.MerchantCode, o.Number}] = true
		if o.Status != soko.OrderReceived {
			t.Errorf("%s: status %s", where, o.Status)
		}
		checkAddress(t, where, o.Recipient)
		prefectures[o.Recipient.Prefecture] = true
		if want, ok := services[o.Carrier]; !ok || (o.Service != want && !(o.CODAmount > 0 && o.Service == "collect")) {
			t.Errorf("%s: carrier %q with service %q", where, o.Carrier, o.Service)
		}
		carriers[o.Carrier]++
		if !o.TimeSlot.Valid() {
			t.Errorf("%s: time slot %q", where, o.TimeSlot)
		}
		if o.Carrier == "yamato" && o.TimeSlot == soko.Slot12To14 {
			t.Errorf("%s: Yamato no longer delivers 12-14", where)
		}
		if o.TimeSlot != soko.SlotNone {
			slots++
		}
		if !o.DeliveryDate.IsZero() {
			dated++
			if !utcDate(o.DeliveryDate) || !o.DeliveryDate.After(testNow) {
				t.Errorf("%s: delivery date %v is not a future date at midnight UTC", where, o.DeliveryDate)
			}
		}
		if n := len(o.Lines); n < 1 || n > 4 {
			t.Errorf("%s: %d lines, want 1..4", where, n)
		}
		var total int64
		seen := map[string]bool{}
		for _, l := range o.Lines {
			p, ok := products[[2]string{o.MerchantCode, l.SKU}]
			if !ok {
				t.Errorf("%s: line %s is not a product of %s", where, l.SKU, o.MerchantCode)
			}
			if seen[l.SKU] {
				t.Errorf("%s: %s is on two lines", where, l.SKU)
			}
			seen[l.SKU] = true
			if l.Quantity < 1 || l.UnitPrice != p.Price || l.TaxRate != p.TaxRate || !soko.ValidTaxRate(l.TaxRate) {
				t.Errorf("%s: line %+v does not match product %s (price %d, tax %d)", where, l, p.SKU, p.Price, p.TaxRate)
			}
			total += l.UnitPrice * int64(l.Quantity)
		}
		// Issue 22 finding 7: SKR-100014 was plain 宅急便 with 代引 and a COD
		// amount without its fees, which the API refuses.
		if why := Refusals(&o.Order); len(why) > 0 {
			t.Errorf("%s: the API would refuse it: %v", where, why)
		}
		if o.CODAmount > 0 && (o.ShippingFee == 0 || o.CODFee == 0 || o.CODAmount != total+o.ShippingFee+o.CODFee) {
			t.Errorf("%s: COD amount %d, goods total %d, shipping %d, COD fee %d", where, o.CODAmount, total, o.ShippingFee, o.CODFee)
		}
		if o.CODAmount > 0 {
			cod++
		}
		if o.Gift.HidePrices {
			gift++
		}
	}
	if cod != 1 || gift != 1 {
		t.Errorf("%d COD and %d gift orders, want exactly one each", cod, gift)
	}
	if len(prefectures) < 20 {
		t.Errorf("orders go to %d prefectures, want at least 20", len(prefectures))
	}
	for c := range services {
		if carriers[c] < 5 {
			t.Errorf("%d orders by %s, want at least 5", carriers[c], c)
		}
	}
	if slots < 5 || dated < 5 {
		t.Errorf("%d orders with a time slot and %d with a delivery date, want at least 5 each", slots, dated)
	}
}

// TestWarehouse_Backorders allocates the orders one by one, all or nothing,
// from the whole stock: a couple must wait, the rest must fit.
func TestWarehouse_Backorders(t *testing.T) {
	s := mustWarehouse(t)
	free := map[[2]string]int{}
	for _, st := range s.Stock {
		free[[2]string{st.MerchantCode, st.SKU}] += st.OnHand
	}
	var short []string
	for _, o := range s.Orders {
		fits := true
		for _, l := range o.Lines {
			fits = fits && free[[2]string{o.MerchantCode, l.SKU}] >= l.Quantity
		}
		if !fits {
			short = append(short, o.Number)
			continue
		}
		for _, l := range o.Lines {
			free[[2]string{o.MerchantCode, l.SKU}] -= l.Quantity
		}
	}
	if len(short) < 1 || len(short) > 3 {
		t.Errorf("backordered %v, want one to three orders", short)
	}
}

func TestWarehouse_APIKeys(t *testing.T) {
	s := mustWarehouse(t)
	per := map[string]int{}
	for _, k := range s.APIKeys {
		if !apiSecret.MatchString(k.Secret) {
			t.Errorf("%s key %q is not soko_ and 32 base32 characters", k.MerchantCode, k.Secret)
			continue
		}
		body := strings.ToUpper(strings.TrimPrefix(k.Secret, "soko_"))
		if b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(body); err != nil || len(b) != 20 {
			t.Errorf("%s key does not decode to 20 bytes: %d, %v", k.MerchantCode, len(b), err)
		}
		if k.Name != "デモ" {
			t.Errorf("%s key is named %q", k.MerchantCode, k.Name)
		}
		per[k.MerchantCode]++
	}
	for _, m := range s.Merchants {
		if per[m.Code] != 1 {
			t.Errorf("merchant %s has %d keys, want 1", m.Code, per[m.Code])
		}
	}
	if len(s.APIKeys) == 2 && soko.APIKeyPrefix(s.APIKeys[0].Secret) == soko.APIKeyPrefix(s.APIKeys[1].Secret) {
		t.Error("the two keys share a prefix")
	}
}

// Each merchant has an owner in the portal, with a password soko accepts.
func TestWarehouse_PortalUsers(t *testing.T) {
	s := mustWarehouse(t)
	per := map[string]int{}
	for _, u := range s.PortalUsers {
		user := u.PortalUser
		if err := soko.CheckPortalUser(&user); err != nil || user.Role != soko.PortalOwner {
			t.Errorf("%s user %+v: %v", u.MerchantCode, user, err)
		}
		if err := soko.CheckPassword(u.Password); err != nil {
			t.Errorf("%s password: %v", u.MerchantCode, err)
		}
		per[u.MerchantCode]++
	}
	for _, m := range s.Merchants {
		if per[m.Code] != 1 {
			t.Errorf("merchant %s has %d portal owners, want 1", m.Code, per[m.Code])
		}
	}
}

func TestWarehouse_BoxTypes(t *testing.T) {
	s := mustWarehouse(t)
	codes := map[string]bool{}
	for _, b := range s.BoxTypes {
		if codes[b.Code] {
			t.Errorf("box %s is listed twice", b.Code)
		}
		codes[b.Code] = true
		if b.Name == "" || b.InnerLengthMM <= 0 || b.InnerWidthMM <= 0 || b.InnerHeightMM <= 0 ||
			b.MaxWeightGrams <= 0 || b.TareGrams <= 0 || b.TareGrams >= b.MaxWeightGrams {
			t.Errorf("box %s: %+v", b.Code, b)
		}
		if b.SizeClass != 0 {
			// A carrier's size is the sum of the outer sides in cm; the inner ones must stay below it.
			if sum := b.InnerLengthMM + b.InnerWidthMM + b.InnerHeightMM; sum >= b.SizeClass*10 {
				t.Errorf("box %s: inner sides sum to %d mm, too much for size %d", b.Code, sum, b.SizeClass)
			}
		}
	}
	for _, c := range []string{"BOX60", "BOX80", "BOX100", "BOX120", "NEKOPOS"} {
		if !codes[c] {
			t.Errorf("no box %s", c)
		}
	}
	for _, b := range s.BoxTypes {
		if b.Code == "NEKOPOS" && (b.InnerHeightMM > 25 || b.MaxWeightGrams > 1000 || b.SizeClass != 0) {
			t.Errorf("NEKOPOS is %+v, want at most 25 mm and 1 kg, no size class", b)
		}
	}
}

func TestJapaneseDate(t *testing.T) {
	tests := []struct {
		now  time.Time
		want time.Time
	}{
		{testNow, time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 14, 14, 59, 0, 0, time.UTC), time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := japaneseDate(tt.now); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("japaneseDate(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}
