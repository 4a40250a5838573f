package soko

import (
	"context"
	"slices"
	"time"
)

// OrderStatus is where an order stands in the workflow of DESIGN.md §2.
type OrderStatus string

// The order statuses, in workflow order.
const (
	OrderReceived        OrderStatus = "received"
	OrderBackordered     OrderStatus = "backordered"
	OrderAllocated       OrderStatus = "allocated"
	OrderPicking         OrderStatus = "picking"
	OrderShort           OrderStatus = "short"
	OrderPicked          OrderStatus = "picked"
	OrderInspected       OrderStatus = "inspected"
	OrderPacked          OrderStatus = "packed"
	OrderLabeled         OrderStatus = "labeled"
	OrderShipped         OrderStatus = "shipped"
	OrderOnHold          OrderStatus = "on_hold"
	OrderCancelRequested OrderStatus = "cancel_requested"
	OrderCancelled       OrderStatus = "cancelled"
)

// OrderStatuses lists every status, in workflow order.
var OrderStatuses = []OrderStatus{
	OrderReceived, OrderBackordered, OrderAllocated, OrderPicking, OrderShort,
	OrderPicked, OrderInspected, OrderPacked, OrderLabeled, OrderShipped,
	OrderOnHold, OrderCancelRequested, OrderCancelled,
}

// Valid reports whether s is a known status.
func (s OrderStatus) Valid() bool {
	for _, v := range OrderStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Final reports whether nothing more can happen to an order in status s.
func (s OrderStatus) Final() bool { return s == OrderShipped || s == OrderCancelled }

// Label is the status as people on the floor say it.
func (s OrderStatus) Label() string { return orderStatusLabels[s] }

var orderStatusLabels = map[OrderStatus]string{
	OrderReceived: "受注", OrderBackordered: "入荷待ち", OrderAllocated: "引当済",
	OrderPicking: "ピッキング中", OrderShort: "欠品", OrderPicked: "ピッキング済",
	OrderInspected: "検品済", OrderPacked: "梱包済", OrderLabeled: "送り状発行済",
	OrderShipped: "出荷済", OrderOnHold: "保留", OrderCancelRequested: "キャンセル依頼",
	OrderCancelled: "キャンセル",
}

// OrderAction is a named step that moves an order from one status to another.
type OrderAction string

// The order actions of DESIGN.md §2.
const (
	ActionAllocate      OrderAction = "allocate"
	ActionBackorder     OrderAction = "backorder"
	ActionReleaseWave   OrderAction = "release_wave"
	ActionPick          OrderAction = "pick"
	ActionShortPick     OrderAction = "short_pick"
	ActionReallocate    OrderAction = "reallocate"
	ActionSplit         OrderAction = "split"
	ActionInspect       OrderAction = "inspect"
	ActionResetInspect  OrderAction = "reset_inspection"
	ActionPack          OrderAction = "pack"
	ActionLabel         OrderAction = "label"
	ActionShip          OrderAction = "ship"
	ActionCancel        OrderAction = "cancel"
	ActionRequestCancel OrderAction = "request_cancel"
	ActionPutBack       OrderAction = "put_back"
	ActionHold          OrderAction = "hold"
	ActionReleaseHold   OrderAction = "release_hold"
	// ActionPullForward is a supervisor releasing an order to picking
	// before its planned ship date; its status stays.
	ActionPullForward OrderAction = "pull_forward"
	// ActionFreeHeldStock puts a long-held order's reserved stock back on
	// sale; it stays on hold and is allocated again once released.
	ActionFreeHeldStock OrderAction = "free_held_stock"
	// ActionConsolidate joins an order to a group that leaves as one
	// parcel (同梱); ActionUnconsolidate takes it out again. Neither
	// changes its status.
	ActionConsolidate   OrderAction = "consolidate"
	ActionUnconsolidate OrderAction = "unconsolidate"
)

// Transition is one allowed edge of the order state machine.
type Transition struct {
	From   OrderStatus
	Action OrderAction
	To     OrderStatus
}

// Transitions is the order state machine: an order moves only along these edges.
// Holding and releasing a hold are handled by Next, because release returns an
// order to the status it was held in.
var Transitions = []Transition{
	{OrderReceived, ActionAllocate, OrderAllocated},
	{OrderReceived, ActionBackorder, OrderBackordered},
	{OrderBackordered, ActionAllocate, OrderAllocated},
	{OrderAllocated, ActionBackorder, OrderBackordered},
	{OrderAllocated, ActionReleaseWave, OrderPicking},
	{OrderPicking, ActionPick, OrderPicked},
	{OrderPicking, ActionShortPick, OrderShort},
	{OrderShort, ActionReallocate, OrderAllocated},
	{OrderShort, ActionBackorder, OrderBackordered},
	{OrderShort, ActionSplit, OrderPicked},
	{OrderPicked, ActionInspect, OrderInspected},
	{OrderInspected, ActionResetInspect, OrderPicked},
	{OrderInspected, ActionPack, OrderPacked},
	{OrderPacked, ActionLabel, OrderLabeled},
	{OrderLabeled, ActionShip, OrderShipped},

	// Before picking nothing has left its shelf, so a cancel releases stock at once.
	{OrderReceived, ActionCancel, OrderCancelled},
	{OrderBackordered, ActionCancel, OrderCancelled},
	{OrderAllocated, ActionCancel, OrderCancelled},
	// From picking on, units are in a tote or a box and must be put back first.
	{OrderPicking, ActionRequestCancel, OrderCancelRequested},
	{OrderShort, ActionRequestCancel, OrderCancelRequested},
	{OrderPicked, ActionRequestCancel, OrderCancelRequested},
	{OrderInspected, ActionRequestCancel, OrderCancelRequested},
	{OrderPacked, ActionRequestCancel, OrderCancelRequested},
	{OrderLabeled, ActionRequestCancel, OrderCancelRequested},
	{OrderCancelRequested, ActionPutBack, OrderCancelled},
}

// holdable are the statuses an order can be put on hold from: any before shipped.
var holdable = map[OrderStatus]bool{
	OrderReceived: true, OrderBackordered: true, OrderAllocated: true,
	OrderPicking: true, OrderShort: true, OrderPicked: true, OrderInspected: true,
	OrderPacked: true, OrderLabeled: true,
}

// Next returns the status an order moves to when action is taken on it, or an
// EINVALID error naming both when the state machine does not allow it.
func (o *Order) Next(action OrderAction) (OrderStatus, error) {
	switch action {
	case ActionHold:
		if holdable[o.Status] {
			return OrderOnHold, nil
		}
	case ActionReleaseHold:
		if o.Status == OrderOnHold && holdable[o.HeldFrom] {
			return o.HeldFrom, nil
		}
	default:
		for _, t := range Transitions {
			if t.From == o.Status && t.Action == action {
				return t.To, nil
			}
		}
	}
	return "", Errorf(EINVALID, "order %s is %s: %s is not allowed", o.Number, o.Status, action).
		JA("注文 %s は「%s」のため、この操作（%s）はできません", o.Number, o.Status.Label(), action)
}

// HoldReason is why an order is on hold, which decides who releases it:
// the merchant its own holds (a payment it waits for, or a reason of its
// own), the warehouse its supervisors'.
type HoldReason string

const (
	// HoldPayment is 入金待ち: a bank transfer, konbini or 後払い order
	// that may not leave before the shop is paid.
	HoldPayment HoldReason = "payment_pending"
	// HoldMerchant is a hold the merchant asked for with a reason of its own.
	HoldMerchant HoldReason = "merchant"
	// HoldWarehouse is a supervisor's hold, and any hold made before holds
	// had reasons.
	HoldWarehouse HoldReason = "warehouse"
)

// ByMerchant reports whether the merchant holds the order, so that the
// merchant, not the warehouse, releases it.
func (r HoldReason) ByMerchant() bool { return r == HoldPayment || r == HoldMerchant }

// Label is the reason as the floor and the console say it.
func (r HoldReason) Label() string {
	return map[HoldReason]string{HoldPayment: "入金待ち", HoldMerchant: "荷主による保留", HoldWarehouse: "倉庫による保留"}[r]
}

// Apply moves the order along action, remembering where a hold began; a
// release forgets the hold's reason and note.
func (o *Order) Apply(action OrderAction) error {
	to, err := o.Next(action)
	if err != nil {
		return err
	}
	switch action {
	case ActionHold:
		o.HeldFrom = o.Status
	case ActionReleaseHold:
		o.HeldFrom, o.HoldReason, o.HoldNote = "", "", ""
	}
	o.Status = to
	return nil
}

// TimeSlot is a delivery time slot in soko's carrier-neutral form (carriers.md).
type TimeSlot string

// The delivery time slots; the zero value means none was asked for.
const (
	SlotNone    TimeSlot = ""
	SlotMorning TimeSlot = "am"
	Slot12To14  TimeSlot = "12-14"
	Slot14To16  TimeSlot = "14-16"
	Slot16To18  TimeSlot = "16-18"
	Slot18To20  TimeSlot = "18-20"
	Slot19To21  TimeSlot = "19-21"
)

// Valid reports whether t is a known slot or none.
func (t TimeSlot) Valid() bool {
	switch t {
	case SlotNone, SlotMorning, Slot12To14, Slot14To16, Slot16To18, Slot18To20, Slot19To21:
		return true
	}
	return false
}

// Address is a Japanese postal address with the person it is for.
type Address struct {
	PostalCode string // 7 digits, no hyphen
	Prefecture string // one of the 47, e.g. 東京都
	City       string // 市区町村, e.g. 千代田区
	Street     string // 町域・番地, e.g. 丸の内1-9-1
	Building   string // building and room, may be empty
	Company    string
	Name       string
	Phone      string
	Email      string
}

// Order is a shipping order a merchant sent; Number is unique per merchant.
type Order struct {
	ID         int64
	MerchantID int64
	Number     string
	Status     OrderStatus
	HeldFrom   OrderStatus
	// HoldReason says who holds an order that is on hold, and so who may
	// release it; HoldNote is their note. Both are empty when not held.
	HoldReason   HoldReason
	HoldNote     string
	Recipient    Address
	Carrier      string
	Service      string
	DeliveryDate time.Time // zero if none was asked for
	// ShipDate is the planned ship date (出荷予定日): the order is not
	// released to picking before it. Zero on orders from before ship dates.
	ShipDate  time.Time
	TimeSlot  TimeSlot
	CODAmount int64 // 代金引換 in yen, 0 if none
	// ShippingFee (送料), CODFee (代引手数料) and Discount (値引き) are yen,
	// tax included, that the customer pays on top of the goods or is let
	// off; Due adds them up.
	ShippingFee int64
	CODFee      int64
	Discount    int64
	Gift        GiftOptions
	// ConsolidatedInto is the primary order of the group this order leaves
	// with in one parcel (同梱), 0 when it leaves on its own or is the
	// primary; NoConsolidation is the merchant's opt out for the order.
	ConsolidatedInto int64
	NoConsolidation  bool
	// ConsolidatedIntoNumber is the primary's number, where a list reads
	// tracking numbers (FindOrder, ListOrders).
	ConsolidatedIntoNumber string
	Priority               int
	Note                   string
	Lines                  []OrderLine
	// TrackingNumbers are the carrier's numbers of the order's parcels, in
	// parcel order, where a list asks for them (FindOrder, ListOrders).
	TrackingNumbers []string
	OrderedAt       time.Time // when the customer ordered
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// ChangeSeq is the order's place in the change feed (see Change).
	ChangeSeq int64
}

// GoodsTotal is what the order's goods cost, tax included.
func (o *Order) GoodsTotal() int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.UnitPrice * int64(l.Quantity)
	}
	return t
}

// Due is what the customer pays for the order, tax included: the goods plus
// 送料 and 代引手数料 less 値引き. A cash-on-delivery order collects exactly this.
func (o *Order) Due() int64 {
	return o.GoodsTotal() + o.ShippingFee + o.CODFee - o.Discount
}

// OrderLine is one product and quantity of an order.
type OrderLine struct {
	ID        int64
	OrderID   int64
	ProductID int64
	SKU       string
	Name      string // the product's name, as the packing slip prints it
	Quantity  int
	Inspected int   // units the packing station has scanned
	Allocated int   // units reserved on shelves for the line, picked ones included
	Picked    int   // units picked into the tote
	UnitPrice int64 // yen, tax included
	TaxRate   int   // 10 or 8 percent
	// IsSet marks the line of a set product (セット商品): it carries the
	// price and is never allocated, picked or inspected itself; its
	// components follow it as lines whose SetLineID is its ID, priced 0.
	IsSet     bool
	SetLineID int64
}

// Physical reports whether the line's own units go through the floor:
// every line but a set's, whose components go instead.
func (l OrderLine) Physical() bool { return !l.IsSet }

// LineState is how far one line of an order has got, as a merchant follows
// it: ordered, allocated, picked, packed, shipped, short or cancelled.
type LineState string

// The line states.
const (
	LineOrdered   LineState = "ordered"
	LineAllocated LineState = "allocated"
	LinePicked    LineState = "picked"
	LinePacked    LineState = "packed"
	LineShipped   LineState = "shipped"
	LineShort     LineState = "short"
	LineCancelled LineState = "cancelled"
)

// LineState says where line l of order o stands: the order's status once
// the parcel is packed, otherwise what the line's units show.
func (o *Order) LineState(l OrderLine) LineState {
	if l.IsSet {
		return o.setState(l)
	}
	switch o.Status {
	case OrderCancelled:
		return LineCancelled
	case OrderShipped:
		return LineShipped
	case OrderPacked, OrderLabeled:
		return LinePacked
	}
	switch {
	case l.Picked >= l.Quantity:
		return LinePicked
	case o.Status == OrderShort:
		return LineShort
	case l.Allocated >= l.Quantity:
		return LineAllocated
	}
	return LineOrdered
}

// lineStateOrder ranks the states a set's components can be in, least
// advanced first: a set is as far as its least advanced component.
var lineStateOrder = []LineState{LineCancelled, LineShort, LineOrdered, LineAllocated, LinePicked, LinePacked, LineShipped}

func (o *Order) setState(set OrderLine) LineState {
	state := LineState("")
	for _, l := range o.Lines {
		if l.SetLineID != set.ID || set.ID == 0 {
			continue
		}
		s := o.LineState(l)
		if state == "" || slices.Index(lineStateOrder, s) < slices.Index(lineStateOrder, state) {
			state = s
		}
	}
	if state == "" {
		return LineOrdered
	}
	return state
}

// SetComponents returns the component lines of set line l.
func (o *Order) SetComponents(l OrderLine) []OrderLine {
	var out []OrderLine
	for _, c := range o.Lines {
		if l.IsSet && l.ID != 0 && c.SetLineID == l.ID {
			out = append(out, c)
		}
	}
	return out
}

// OrderEvent records one transition or note on an order: who, when, from where.
type OrderEvent struct {
	ID        int64
	OrderID   int64
	Seq       int // per-order sequence, also used by webhooks
	Action    OrderAction
	From      OrderStatus
	To        OrderStatus
	StaffID   int64 // 0 when the merchant's API or the system acted
	Device    string
	Detail    string
	CreatedAt time.Time
}

// OrderFilter selects orders for lists; zero fields match everything.
type OrderFilter struct {
	MerchantID int64
	// Statuses, when given, keeps the orders in any one of them.
	Statuses []OrderStatus
	// CreatedSince and CreatedBefore bound when soko received the order.
	CreatedSince, CreatedBefore time.Time
	Page
}

// OrderChange is a merchant's change to an order before picking: Order
// holds the order as it is to be (its ID, status and history untouched),
// Lines says whether its lines are new. ReadAt is the order's UpdatedAt when
// the change was made from it: a change meanwhile refuses this one.
// Reallocate is set by ChangeOrder when the order waits for stock again.
type OrderChange struct {
	OrderID    int64
	Order      *Order
	Lines      bool
	ReadAt     time.Time
	Reallocate bool
}

// OrderService reads and changes orders.
type OrderService interface {
	CreateOrder(ctx context.Context, o *Order) error
	FindOrder(ctx context.Context, merchantID int64, number string) (*Order, error)
	ListOrders(ctx context.Context, f OrderFilter) ([]*Order, error)
	// CancelOrder cancels at once before picking, or asks the floor to put
	// the goods back once picking has started.
	CancelOrder(ctx context.Context, merchantID int64, number, reason string) (*Order, error)
	// ChangeOrder applies a merchant's change before picking starts.
	ChangeOrder(ctx context.Context, c *OrderChange) error
	// HoldOrder holds an order for the merchant before picking starts;
	// ReleaseOrder releases the merchant's own hold.
	HoldOrder(ctx context.Context, merchantID int64, number string, reason HoldReason, note string) (*Order, error)
	ReleaseOrder(ctx context.Context, merchantID int64, number string) (*Order, error)
	ListOrderEvents(ctx context.Context, merchantID int64, number string) ([]OrderEvent, error)
}
