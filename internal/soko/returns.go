package soko

import "time"

// Returns (返品・交換): parcels that come back to the warehouse, announced by
// their merchant or not, received unit by unit at the returns desk.

// ReturnDisposition is what the merchant wants done with a return.
type ReturnDisposition string

// The dispositions.
const (
	ReturnRefund   ReturnDisposition = "refund"   // 返金: the merchant refunds once it hears the return was received
	ReturnExchange ReturnDisposition = "exchange" // 交換: a replacement order ships the same goods again
	ReturnInspect  ReturnDisposition = "inspect"  // 検品後判断: the merchant decides after the warehouse looked
)

// Valid reports whether d is one of the dispositions.
func (d ReturnDisposition) Valid() bool {
	return d == ReturnRefund || d == ReturnExchange || d == ReturnInspect
}

// ReturnStatus is where a return stands.
type ReturnStatus string

// The return statuses. A return announced over the API waits as announced;
// an unannounced parcel starts receiving when the desk scans it.
const (
	ReturnAnnounced ReturnStatus = "announced" // 入荷待ち
	ReturnReceiving ReturnStatus = "receiving" // 受付中: units are being scanned
	ReturnReceived  ReturnStatus = "received"  // 受付済: waits for the merchant's inspection decision
	ReturnCompleted ReturnStatus = "completed" // 完了
)

// Open reports whether the return still waits for the warehouse or the merchant.
func (s ReturnStatus) Open() bool { return s != ReturnCompleted }

// ReturnReason is why the parcel came back, as the merchant or the desk says.
type ReturnReason string

// The reasons, by what a shop's support desk and a carrier report.
const (
	ReasonChangedMind   ReturnReason = "changed_mind"   // お客様都合
	ReasonDefective     ReturnReason = "defective"      // 商品不良
	ReasonWrongItem     ReturnReason = "wrong_item"     // 誤出荷
	ReasonDamaged       ReturnReason = "damaged"        // 配送中の破損
	ReasonRefused       ReturnReason = "refused"        // 受取拒否
	ReasonUndeliverable ReturnReason = "undeliverable"  // 宛所不明
	ReasonUnclaimed     ReturnReason = "unclaimed"      // 保管期限切れ
	ReasonCarrierReturn ReturnReason = "carrier_return" // 予告なしの返送（理由不明）
	ReasonOther         ReturnReason = "other"          // その他
)

// ReturnReasons are every reason, in the order the console lists them.
var ReturnReasons = []ReturnReason{
	ReasonChangedMind, ReasonDefective, ReasonWrongItem, ReasonDamaged, ReasonRefused, ReasonUndeliverable, ReasonUnclaimed, ReasonCarrierReturn, ReasonOther,
}

var reasonLabels = map[ReturnReason]Text{
	ReasonChangedMind:   {JA: "お客様都合", EN: "Customer changed their mind"},
	ReasonDefective:     {JA: "商品不良", EN: "Defective"},
	ReasonWrongItem:     {JA: "誤出荷", EN: "Wrong item shipped"},
	ReasonDamaged:       {JA: "配送中の破損", EN: "Damaged in transit"},
	ReasonRefused:       {JA: "受取拒否", EN: "Refused by the recipient"},
	ReasonUndeliverable: {JA: "宛所不明", EN: "Undeliverable address"},
	ReasonUnclaimed:     {JA: "保管期限切れ", EN: "Not collected in time"},
	ReasonCarrierReturn: {JA: "予告なし返送", EN: "Unannounced carrier return"},
	ReasonOther:         {JA: "その他", EN: "Other"},
}

// Valid reports whether r is one of ReturnReasons.
func (r ReturnReason) Valid() bool { _, ok := reasonLabels[r]; return ok }

// Label is the reason as the desk reads it.
func (r ReturnReason) Label() Text { return reasonLabels[r] }

// ReturnGrade is what state a returned unit is in (検品区分).
type ReturnGrade string

// The grades.
const (
	GradeSellable ReturnGrade = "sellable" // 良品: may be sold again
	GradeDamaged  ReturnGrade = "damaged"  // 不良
	GradeOpened   ReturnGrade = "opened"   // 開封済: not sold as new
	GradeWrong    ReturnGrade = "wrong"    // 誤配: not the merchant's goods, moves no stock
)

// ReturnGrades are every grade, in the order the handheld offers them.
var ReturnGrades = []ReturnGrade{GradeSellable, GradeDamaged, GradeOpened, GradeWrong}

var gradeLabels = map[ReturnGrade]Text{
	GradeSellable: {JA: "良品", EN: "Sellable"},
	GradeDamaged:  {JA: "不良", EN: "Damaged"},
	GradeOpened:   {JA: "開封済", EN: "Opened"},
	GradeWrong:    {JA: "誤配", EN: "Not ours"},
}

// Valid reports whether g is one of ReturnGrades.
func (g ReturnGrade) Valid() bool { _, ok := gradeLabels[g]; return ok }

// Label is the grade as the desk reads it.
func (g ReturnGrade) Label() Text { return gradeLabels[g] }

// ReturnDestination is where a returned unit goes.
type ReturnDestination string

// The destinations.
const (
	DestStock      ReturnDestination = "stock"      // back to a pick or reserve shelf: sold again
	DestQuarantine ReturnDestination = "quarantine" // a receiving-kind location: kept, never allocated
	DestDisposal   ReturnDestination = "disposal"   // 廃棄: in and out of the ledger at once
	DestNone       ReturnDestination = "none"       // 誤配: set aside, moves no stock
)

// Allows reports whether a unit of grade g may go to d: only sellable
// units go back on a shelf, and a unit that is not ours moves no stock.
func (g ReturnGrade) Allows(d ReturnDestination) bool {
	switch g {
	case GradeWrong:
		return d == DestNone
	case GradeSellable:
		return d == DestStock || d == DestQuarantine || d == DestDisposal
	case GradeDamaged, GradeOpened:
		return d == DestQuarantine || d == DestDisposal
	}
	return false
}

// DefaultDestination is where a unit of grade g goes unless the desk says otherwise.
func (g ReturnGrade) DefaultDestination() ReturnDestination {
	switch g {
	case GradeSellable:
		return DestStock
	case GradeWrong:
		return DestNone
	}
	return DestQuarantine
}

// Return is a parcel coming back, announced or not, with its lines.
type Return struct {
	ID              int64
	MerchantID      int64
	MerchantName    string
	OrderID         int64
	OrderNumber     string
	Number          string // the merchant's RMA number, or CR-<order>-<n> for an unannounced parcel
	Reason          ReturnReason
	Disposition     ReturnDisposition
	Status          ReturnStatus
	Announced       bool
	ExchangeAtOnce  bool
	ExchangeOrderNo string // the replacement order, once made
	TrackingNumber  string // the parcel's, as scanned at the desk
	Note            string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ReceivedAt      time.Time
	CompletedAt     time.Time
	Lines           []ReturnLine
	Wrong           int // units that were not the merchant's (誤配)
}

// Units is how many units were received, of any grade.
func (r *Return) Units() int {
	n := r.Wrong
	for _, l := range r.Lines {
		n += l.Received()
	}
	return n
}

// ReturnLine is one product of a return: what was announced and what came, by grade.
type ReturnLine struct {
	ID        int64
	ProductID int64
	SKU       string
	Name      string
	Quantity  int // announced; 0 when it came unannounced
	Graded    map[ReturnGrade]int
}

// Received is how many units of the line came back.
func (l ReturnLine) Received() int {
	n := 0
	for _, q := range l.Graded {
		n += q
	}
	return n
}

// ReturnLineInput is a line a merchant announces.
type ReturnLineInput struct {
	SKU      string
	Quantity int
}

// NewReturn is a return a merchant announces.
type NewReturn struct {
	MerchantID     int64
	Number         string
	OrderNumber    string
	Reason         ReturnReason
	Disposition    ReturnDisposition
	ExchangeAtOnce bool
	Note           string
	Lines          []ReturnLineInput
}

// Limits of a return, checked wherever returns come in.
const (
	MaxReturnLines = 100
	MaxReturnUnits = 10000 // per line, as announced
)

// ReturnFilter narrows a list of returns; zero fields match all.
type ReturnFilter struct {
	MerchantID int64
	Open       bool
	Page       Page
}

// ReturnUnitScan is one unit the returns desk scanned, graded and sent somewhere.
type ReturnUnitScan struct {
	ScanID      string
	ReturnID    int64
	StaffID     int64
	Device      string
	Code        string // as scanned
	ProductID   int64  // 0 for a unit that is not the merchant's
	Grade       ReturnGrade
	Destination ReturnDestination
	Location    string // the shelf or quarantine location scanned, for stock and quarantine
}

// ReturnReceipt is what finishing a return's receiving did.
type ReturnReceipt struct {
	Return        *Return
	ExchangeOrder int64 // the replacement order made now, 0 when none was
}

// ReturnsReport is the console's view of returns: what is open and how old,
// and what comes back, by reason and by product.
type ReturnsReport struct {
	Open      []*Return
	ByReason  []ReturnCount
	ByProduct []ProductReturns
}

// ReturnCount is how many returns gave one reason.
type ReturnCount struct {
	Reason  ReturnReason
	Returns int
}

// ProductReturns is how often a product comes back: units returned of units shipped.
type ProductReturns struct {
	Merchant string
	SKU      string
	Name     string
	Returned int
	Shipped  int
	Returns  int
}

// Frequent reports whether the product comes back often enough for someone
// to look at it: at least three returns and a tenth of what shipped.
func (p ProductReturns) Frequent() bool {
	return p.Returns >= 3 && p.Returned*10 >= p.Shipped
}
