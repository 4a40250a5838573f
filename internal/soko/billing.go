package soko

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// 3PL billing (請求明細, issue 20): what the warehouse charges a merchant for
// a month, counted from records soko keeps anyway (the stock ledger, shipped
// orders, parcels) so that any month can be computed again and every line
// explained. Prices are in 銭 (hundredths of a yen) because 3PL rate cards
// quote storage at fractions of a yen; amounts on a statement are whole yen.
//
// The arithmetic, in order:
//  1. a summary line per charge: quantity × unit price, rounded to a yen
//     with the rate card's rounding rule (one rounding per line);
//  2. consumption tax per rate on the sum of the lines at that rate, rounded
//     once per rate with the same rule (適格請求書: one rounding per rate and
//     invoice, never per line);
//  3. the total is the lines plus the taxes.
//
// Storage per unit (保管料, 期制): a month has 1, 2 or 3 periods (三期制:
// days 1–10, 11–20, 21–end; 二期制: 1–15, 16–end; 一期制: the month). Each
// period bills (units on hand when the period opens, 00:00 JST of its first
// day) + (units received during the period: receipts and restocked
// returns), the usual Japanese 3PL formula 「期首在庫数＋期中入庫数」.
// Storage per location per day bills each day a pick or reserve location
// held the merchant's goods at any moment of that day (opening balance or
// after any movement of that day).

// Rounding is how a statement turns fractions of a yen into yen.
type Rounding string

// The rounding rules a rate card may choose.
const (
	RoundDown   Rounding = "down"    // 切り捨て
	RoundHalfUp Rounding = "half_up" // 四捨五入
	RoundUp     Rounding = "up"      // 切り上げ
)

// Label returns the rule's Japanese name.
func (r Rounding) Label() string {
	return map[Rounding]string{RoundDown: "切り捨て", RoundHalfUp: "四捨五入", RoundUp: "切り上げ"}[r]
}

// Valid reports whether r is a known rule.
func (r Rounding) Valid() bool { return r == RoundDown || r == RoundHalfUp || r == RoundUp }

// Divide returns n/d (d > 0) rounded to an integer by r. A negative n (a
// credit) is rounded on its magnitude, so a credit and the charge it undoes
// round alike.
func (r Rounding) Divide(n, d int64) int64 {
	if n < 0 {
		return -r.Divide(-n, d)
	}
	q, rem := n/d, n%d
	switch r {
	case RoundUp:
		if rem > 0 {
			q++
		}
	case RoundHalfUp:
		if 2*rem >= d {
			q++
		}
	}
	return q
}

// Month is a calendar month in Japan time, the unit a statement covers.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2026-11".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return Month{}, Errorf(EINVALID, "month %q must be YYYY-MM", s).JA("月「%s」は YYYY-MM の形で指定してください", s).WithField("month", "pattern")
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthOf returns the month, in Japan time, that t falls in.
func MonthOf(t time.Time) Month {
	y, m, _ := t.In(JST).Date()
	return Month{y, m}
}

// String returns "2026-11".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Label returns 「2026年11月」.
func (m Month) Label() string { return fmt.Sprintf("%d年%d月", m.Year, int(m.Month)) }

// Start is 00:00 JST of the month's first day.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, JST) }

// End is the start of the next month.
func (m Month) End() time.Time { return m.Start().AddDate(0, 1, 0) }

// Next returns the following month.
func (m Month) Next() Month { return MonthOf(m.End()) }

// Days returns the number of days in the month.
func (m Month) Days() int { return m.End().AddDate(0, 0, -1).Day() }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool { return m.String() < o.String() }

// StoragePeriod is one of a month's storage billing periods (期).
type StoragePeriod struct {
	N        int // 1-based
	FirstDay int
	LastDay  int
	From, To time.Time // [From, To) in JST
}

// Label returns 「第1期（1日～10日）」, with the full-width tilde that
// Shift_JIS (Windows-31J) has, unlike the wave dash.
func (p StoragePeriod) Label() string {
	return fmt.Sprintf("第%d期（%d日～%d日）", p.N, p.FirstDay, p.LastDay)
}

// StoragePeriods splits m into n periods: 3 is 三期制 (1–10, 11–20,
// 21–end), 2 is 1–15 and 16–end, 1 the whole month.
func StoragePeriods(m Month, n int) []StoragePeriod {
	last := m.Days()
	var firsts []int
	switch n {
	case 3:
		firsts = []int{1, 11, 21}
	case 2:
		firsts = []int{1, 16}
	default:
		firsts = []int{1}
	}
	out := make([]StoragePeriod, len(firsts))
	for i, f := range firsts {
		l := last
		if i+1 < len(firsts) {
			l = firsts[i+1] - 1
		}
		out[i] = StoragePeriod{N: i + 1, FirstDay: f, LastDay: l,
			From: time.Date(m.Year, m.Month, f, 0, 0, 0, 0, JST), To: time.Date(m.Year, m.Month, l+1, 0, 0, 0, 0, JST)}
	}
	return out
}

// StockMove is one change of a merchant's units on hand, from the ledger.
type StockMove struct {
	At       time.Time
	Location int64
	Delta    int64
	// Inbound is true for units coming into the warehouse (receipts,
	// restocked returns), which 期制 storage bills in their period.
	Inbound bool
}

// PeriodStock is what 期制 storage bills for one period.
type PeriodStock struct {
	Period   StoragePeriod
	Opening  int64 // units on hand when the period opened
	Received int64 // units received during the period
}

// Units is the period's billed quantity: opening stock plus receipts.
func (p PeriodStock) Units() int64 { return p.Opening + p.Received }

// StorageUnits walks the month's moves (any order) from the units on hand
// when the month opened and returns each period's opening stock and
// receipts. Moves outside the month are ignored.
func StorageUnits(m Month, periods int, opening int64, moves []StockMove) []PeriodStock {
	ps := StoragePeriods(m, periods)
	sorted := sortedMoves(moves)
	out := make([]PeriodStock, len(ps))
	bal, i := opening, 0
	for k, p := range ps {
		for i < len(sorted) && sorted[i].At.Before(p.From) {
			bal += sorted[i].Delta
			i++
		}
		out[k] = PeriodStock{Period: p, Opening: max(bal, 0)}
		for j := i; j < len(sorted) && sorted[j].At.Before(p.To); j++ {
			if sorted[j].Inbound && sorted[j].Delta > 0 {
				out[k].Received += sorted[j].Delta
			}
		}
	}
	return out
}

// LocationDays returns, for each day of m (index 0 is the 1st), how many
// locations held the merchant's goods at some moment of that day: those
// with a positive balance when the day opened, or after any move that day.
// opening maps a location to its units when the month opened.
func LocationDays(m Month, opening map[int64]int64, moves []StockMove) []int {
	bal := make(map[int64]int64, len(opening))
	for loc, n := range opening {
		bal[loc] = n
	}
	sorted := sortedMoves(moves)
	days := make([]int, m.Days())
	i := 0
	for d := range days {
		from, to := m.Start().AddDate(0, 0, d), m.Start().AddDate(0, 0, d+1)
		for i < len(sorted) && sorted[i].At.Before(from) {
			bal[sorted[i].Location] += sorted[i].Delta
			i++
		}
		held := map[int64]bool{}
		for loc, n := range bal {
			if n > 0 {
				held[loc] = true
			}
		}
		for ; i < len(sorted) && sorted[i].At.Before(to); i++ {
			bal[sorted[i].Location] += sorted[i].Delta
			if bal[sorted[i].Location] > 0 {
				held[sorted[i].Location] = true
			}
		}
		days[d] = len(held)
	}
	return days
}

func sortedMoves(moves []StockMove) []StockMove {
	sorted := append([]StockMove(nil), moves...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].At.Before(sorted[b].At) })
	return sorted
}

// The charges a rate card prices. Box charges are ChargeBox + the box
// type's code, fixed fees ChargeFixed + their position.
const (
	ChargeStorageLocationDay = "storage_location_day"
	ChargeStorageUnitPeriod  = "storage_unit_period"
	ChargeInboundUnit        = "inbound_unit"
	ChargeInboundCase        = "inbound_case"
	ChargePickOrder          = "pick_order"
	ChargePickExtraUnit      = "pick_extra_unit"
	ChargeBox                = "box:"
	ChargeLabel              = "label"
	ChargeGiftWrap           = "gift_wrap"
	ChargeInsert             = "insert"
	ChargeReturnUnit         = "return_unit"
	ChargeFixed              = "fixed:"
	ChargeAdjustment         = "adjustment"
)

// chargeNames are the name and the unit of each charge.
var chargeNames = map[string]struct {
	name Text
	unit string
}{
	ChargeStorageLocationDay: {Text{JA: "保管料（ロケーション・日）", EN: "Storage (location-days)"}, "ロケ日"},
	ChargeStorageUnitPeriod:  {Text{JA: "保管料（期制・個数）", EN: "Storage (units per period)"}, "個・期"},
	ChargeInboundUnit:        {Text{JA: "入荷料（ピース）", EN: "Inbound handling (units)"}, "個"},
	ChargeInboundCase:        {Text{JA: "入荷料（ケース）", EN: "Inbound handling (cases)"}, "ケース"},
	ChargePickOrder:          {Text{JA: "出荷作業料（基本）", EN: "Picking (per order)"}, "件"},
	ChargePickExtraUnit:      {Text{JA: "出荷作業料（追加ピース）", EN: "Picking (additional units)"}, "個"},
	ChargeLabel:              {Text{JA: "送り状発行料", EN: "Shipping labels"}, "枚"},
	ChargeGiftWrap:           {Text{JA: "ギフトラッピング", EN: "Gift wrapping"}, "件"},
	ChargeInsert:             {Text{JA: "同梱物封入", EN: "Inserts"}, "件"},
	ChargeReturnUnit:         {Text{JA: "返品処理料", EN: "Returns handling"}, "個"},
	ChargeAdjustment:         {Text{JA: "調整", EN: "Adjustment"}, "式"},
}

// ChargeName returns a charge's name and the unit its quantity counts.
func ChargeName(charge string) (name Text, unit string) {
	if n, ok := chargeNames[charge]; ok {
		return n.name, n.unit
	}
	if code, ok := strings.CutPrefix(charge, ChargeBox); ok {
		return Text{JA: "梱包資材（" + code + "）", EN: "Packing material (" + code + ")"}, "箱"
	}
	return Text{JA: charge, EN: charge}, "式"
}

// FixedFee is a monthly fee that does not depend on the work done
// (システム利用料, 基本料).
type FixedFee struct {
	Name  string `json:"name"`
	Price int64  `json:"price"` // 銭 per month
}

// RateCard is what the warehouse charges one merchant, from a month on.
// Prices are in 銭 before tax; zero means not charged.
type RateCard struct {
	MerchantID int64
	From       Month
	TaxRate    int
	Rounding   Rounding

	StorageLocationDay int64 // per location per day
	StorageUnitPeriod  int64 // per unit per period
	StoragePeriods     int   // periods a month: 3 (三期制), 2 or 1
	InboundUnit        int64 // per unit received (a unit scan)
	InboundCase        int64 // per case received (a case barcode scan)
	PickOrder          int64 // per shipped order
	PickExtraUnit      int64 // per unit after an order's first
	Boxes              map[string]int64
	Label              int64 // per parcel labelled
	GiftWrap           int64 // per shipped gift order
	Insert             int64 // per shipped order (the merchant's flyer)
	ReturnUnit         int64 // per unit returned to stock
	Fixed              []FixedFee

	UpdatedAt time.Time
}

// MaxPrice bounds a price (¥10,000,000.00) so sums of a month cannot overflow.
const MaxPrice = 1_000_000_000

// Validate checks a rate card before it is stored.
func (c *RateCard) Validate() error {
	bad := Errorf(EINVALID, "the rate card cannot be saved").JA("料金表の内容に誤りがあります")
	if c.TaxRate != 10 && c.TaxRate != 8 && c.TaxRate != 0 {
		bad.WithField("tax_rate", "must be 10, 8 or 0")
	}
	if !c.Rounding.Valid() {
		bad.WithField("rounding", "must be down, half_up or up")
	}
	if c.StoragePeriods != 1 && c.StoragePeriods != 2 && c.StoragePeriods != 3 {
		bad.WithField("storage_periods", "must be 1, 2 or 3")
	}
	for name, p := range c.prices() {
		if p < 0 || p > MaxPrice {
			bad.WithField(name, "must be between 0 and 10000000")
		}
	}
	for code, p := range c.Boxes {
		if code == "" || p < 0 || p > MaxPrice {
			bad.WithField("boxes."+code, "needs a box type code and a price between 0 and 10000000")
		}
	}
	for i, f := range c.Fixed {
		if strings.TrimSpace(f.Name) == "" || f.Price < 0 || f.Price > MaxPrice {
			bad.WithField(fmt.Sprintf("fixed[%d]", i), "needs a name and a price between 0 and 10000000")
		}
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

func (c *RateCard) prices() map[string]int64 {
	return map[string]int64{
		ChargeStorageLocationDay: c.StorageLocationDay, ChargeStorageUnitPeriod: c.StorageUnitPeriod,
		ChargeInboundUnit: c.InboundUnit, ChargeInboundCase: c.InboundCase,
		ChargePickOrder: c.PickOrder, ChargePickExtraUnit: c.PickExtraUnit,
		ChargeLabel: c.Label, ChargeGiftWrap: c.GiftWrap, ChargeInsert: c.Insert, ChargeReturnUnit: c.ReturnUnit,
	}
}

// Price returns the card's unit price in 銭 for a charge, 0 when it is not charged.
func (c *RateCard) Price(charge string) int64 {
	if code, ok := strings.CutPrefix(charge, ChargeBox); ok {
		return c.Boxes[code]
	}
	return c.prices()[charge]
}

// BillingDetail is one billable event of a month, the line a statement's
// quantity is explained by: a shipped order, a receipt, a day of storage.
type BillingDetail struct {
	Date     string `json:"d"` // YYYY-MM-DD, JST
	Charge   string `json:"c"`
	Ref      string `json:"r"` // order number, inbound number, period…
	Quantity int64  `json:"q"`
}

// BillingAdjustment is a correction the admin adds to an open month, such
// as a credit for a closed month's mistake (closed months never change).
type BillingAdjustment struct {
	ID          int64     `json:"id"`
	MerchantID  int64     `json:"merchant_id"`
	Month       Month     `json:"-"`
	Description string    `json:"description"`
	Amount      int64     `json:"amount"` // yen before tax, negative for a credit
	TaxRate     int       `json:"tax_rate"`
	CreatedAt   time.Time `json:"created_at"`
	StaffID     int64     `json:"staff_id,omitempty"`
}

// Validate checks an adjustment before it is stored.
func (a *BillingAdjustment) Validate() error {
	bad := Errorf(EINVALID, "the adjustment cannot be saved").JA("調整の内容に誤りがあります")
	if strings.TrimSpace(a.Description) == "" || len([]rune(a.Description)) > 200 {
		bad.WithField("description", "required, at most 200 characters")
	}
	if a.Amount == 0 || a.Amount > MaxPrice || a.Amount < -MaxPrice {
		bad.WithField("amount", "must be non-zero yen between -1000000000 and 1000000000")
	}
	if a.TaxRate != 10 && a.TaxRate != 8 && a.TaxRate != 0 {
		bad.WithField("tax_rate", "must be 10, 8 or 0")
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

// StatementLine is one summary line of a statement.
type StatementLine struct {
	Charge    string
	Name      Text
	Unit      string
	Quantity  int64
	UnitPrice int64 // 銭; 0 for adjustments
	Amount    int64 // yen before tax
	TaxRate   int
}

// statementLineJSON is a StatementLine as a closed statement's body keeps
// it, with the name's two languages under name and name_en: the bodies of
// months closed so far are read back with it.
type statementLineJSON struct {
	Charge    string `json:"charge"`
	Name      string `json:"name"`
	NameEN    string `json:"name_en"`
	Unit      string `json:"unit"`
	Quantity  int64  `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
	Amount    int64  `json:"amount"`
	TaxRate   int    `json:"tax_rate"`
}

// MarshalJSON writes the line as statementLineJSON.
func (l StatementLine) MarshalJSON() ([]byte, error) {
	return json.Marshal(statementLineJSON{Charge: l.Charge, Name: l.Name.JA, NameEN: l.Name.EN, Unit: l.Unit,
		Quantity: l.Quantity, UnitPrice: l.UnitPrice, Amount: l.Amount, TaxRate: l.TaxRate})
}

// UnmarshalJSON reads the line from statementLineJSON.
func (l *StatementLine) UnmarshalJSON(b []byte) error {
	var j statementLineJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*l = StatementLine{Charge: j.Charge, Name: Text{JA: j.Name, EN: j.NameEN}, Unit: j.Unit,
		Quantity: j.Quantity, UnitPrice: j.UnitPrice, Amount: j.Amount, TaxRate: j.TaxRate}
	return nil
}

// TaxLine is the tax of one rate on a statement.
type TaxLine struct {
	Rate int   `json:"rate"`
	Base int64 `json:"base"` // yen before tax
	Tax  int64 `json:"tax"`
}

// Issuer is the warehouse that bills: its name and 適格請求書発行事業者
// registration number (empty when it has none).
type Issuer struct {
	Name          string `json:"name"`
	InvoiceNumber string `json:"invoice_number"`
}

// Statement is a merchant's monthly 請求明細: the summary lines, the taxes
// by rate, and the events that explain the quantities.
type Statement struct {
	MerchantID   int64               `json:"merchant_id"`
	MerchantCode string              `json:"merchant_code"`
	MerchantName string              `json:"merchant_name"`
	Month        string              `json:"month"`
	Issuer       Issuer              `json:"issuer"`
	Rounding     Rounding            `json:"rounding"`
	Lines        []StatementLine     `json:"lines"`
	Taxes        []TaxLine           `json:"taxes"`
	Subtotal     int64               `json:"subtotal"`
	Tax          int64               `json:"tax"`
	Total        int64               `json:"total"`
	Adjustments  []BillingAdjustment `json:"adjustments"`
	Details      []BillingDetail     `json:"details"`
	ComputedAt   time.Time           `json:"computed_at"`
	// ClosedAt is set once the month is closed and the statement frozen.
	ClosedAt *time.Time `json:"closed_at,omitempty"`
}

// StatementMonth is one month in a merchant's list of statements: a
// closed one with its totals, or an open one (a draft, without them).
type StatementMonth struct {
	Month    Month
	Closed   bool
	ClosedAt time.Time
	Subtotal int64
	Tax      int64
	Total    int64
}

// chargeOrder is the order of summary lines on a statement.
var chargeOrder = []string{ChargeStorageLocationDay, ChargeStorageUnitPeriod, ChargeInboundUnit, ChargeInboundCase,
	ChargePickOrder, ChargePickExtraUnit, ChargeBox, ChargeLabel, ChargeGiftWrap, ChargeInsert, ChargeReturnUnit, ChargeFixed, ChargeAdjustment}

func chargeRank(charge string) int {
	for i, c := range chargeOrder {
		if c == charge || (strings.HasSuffix(c, ":") && strings.HasPrefix(charge, c)) {
			return i
		}
	}
	return len(chargeOrder)
}

// BuildStatement prices a month's events with card: one summary line per
// charge the card prices (events of unpriced charges are dropped from the
// detail too), one per fixed fee and one per adjustment, then the tax per
// rate and the totals.
func BuildStatement(card *RateCard, details []BillingDetail, adjustments []BillingAdjustment) Statement {
	st := Statement{Rounding: card.Rounding, Adjustments: adjustments, Details: make([]BillingDetail, 0, len(details))}
	qty := map[string]int64{}
	priced := map[string]bool{}
	for _, d := range details {
		p, seen := priced[d.Charge]
		if !seen {
			p = card.Price(d.Charge) > 0
			priced[d.Charge] = p
		}
		if !p || d.Quantity == 0 {
			continue
		}
		qty[d.Charge] += d.Quantity
		st.Details = append(st.Details, d)
	}
	charges := make([]string, 0, len(qty))
	for c := range qty {
		charges = append(charges, c)
	}
	sort.Slice(charges, func(a, b int) bool {
		ra, rb := chargeRank(charges[a]), chargeRank(charges[b])
		if ra != rb {
			return ra < rb
		}
		return charges[a] < charges[b]
	})
	for _, c := range charges {
		name, unit := ChargeName(c)
		price := card.Price(c)
		st.Lines = append(st.Lines, StatementLine{Charge: c, Name: name, Unit: unit, Quantity: qty[c], UnitPrice: price,
			Amount: card.Rounding.Divide(qty[c]*price, 100), TaxRate: card.TaxRate})
	}
	for i, f := range card.Fixed {
		if f.Price == 0 {
			continue
		}
		st.Lines = append(st.Lines, StatementLine{Charge: fmt.Sprintf("%s%d", ChargeFixed, i+1), Name: Text{JA: f.Name, EN: f.Name}, Unit: "月",
			Quantity: 1, UnitPrice: f.Price, Amount: card.Rounding.Divide(f.Price, 100), TaxRate: card.TaxRate})
	}
	for _, a := range adjustments {
		st.Lines = append(st.Lines, StatementLine{Charge: ChargeAdjustment, Name: Text{JA: "調整：" + a.Description, EN: "Adjustment: " + a.Description},
			Unit: "式", Quantity: 1, Amount: a.Amount, TaxRate: a.TaxRate})
	}
	base := map[int]int64{}
	for _, l := range st.Lines {
		base[l.TaxRate] += l.Amount
		st.Subtotal += l.Amount
	}
	rates := make([]int, 0, len(base))
	for r := range base {
		rates = append(rates, r)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(rates)))
	for _, r := range rates {
		t := TaxLine{Rate: r, Base: base[r], Tax: card.Rounding.Divide(base[r]*int64(r), 100)}
		st.Taxes = append(st.Taxes, t)
		st.Tax += t.Tax
	}
	st.Total = st.Subtotal + st.Tax
	return st
}

// FormatPrice writes a price in 銭 as yen with the fraction when there is
// one: 1200 → "12", 350 → "3.5", 1234 → "12.34".
func FormatPrice(sen int64) string {
	sign := ""
	if sen < 0 {
		sign, sen = "-", -sen
	}
	s := sign + GroupDigits(sen/100)
	switch f := sen % 100; {
	case f == 0:
	case f%10 == 0:
		s += fmt.Sprintf(".%d", f/10)
	default:
		s += fmt.Sprintf(".%02d", f)
	}
	return s
}

// GroupDigits writes n with thousands separators: 1234567 → "1,234,567".
func GroupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
