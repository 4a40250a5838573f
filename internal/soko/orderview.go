package soko

import "time"

// ActionResolveShort is a supervisor's word that a short order's missing
// units turned up once their shelf was counted: the order goes back to
// allocated, along the state machine's re-allocation edge, to pick them.
const ActionResolveShort OrderAction = "resolve_short"

// supervisorActions are what the console offers on an order, in the order
// it shows them. Each takes one edge of the state machine (SupervisorEdge).
var supervisorActions = []OrderAction{
	ActionHold, ActionReleaseHold, ActionReallocate, ActionResolveShort, ActionSplit, ActionCancel, ActionPutBack,
}

// supervisorActionLabels name the console's actions as the floor says them.
var supervisorActionLabels = map[OrderAction][2]string{
	ActionHold:         {"保留", "put on hold"},
	ActionReleaseHold:  {"保留解除", "released from hold"},
	ActionReallocate:   {"再引当", "re-allocated"},
	ActionResolveShort: {"欠品解決", "marked resolved"},
	ActionSplit:        {"分割出荷", "split"},
	ActionCancel:       {"キャンセル", "cancelled"},
	ActionPutBack:      {"戻し入れ", "put back"},
}

// SupervisorEdge checks that a supervisor may take action a on o, whose
// merchant is m, and returns the state machine's action it takes: cancel
// is cancel before picking and a request to put the goods back after;
// re-allocating is allocate for a backordered order. It refuses with
// ECONFLICT, naming the order's status, whatever the state machine does
// not allow, a split the merchant does not allow, and the release of a
// hold the merchant made.
func (o *Order) SupervisorEdge(a OrderAction, m *Merchant) (OrderAction, error) {
	label, ok := supervisorActionLabels[a]
	if !ok {
		return "", Errorf(EINVALID, "%q is not an action on orders", a).JA("注文への操作「%s」はありません", a).WithField("action", "enum")
	}
	if a == ActionReleaseHold && o.Status == OrderOnHold && o.HoldReason.ByMerchant() {
		// The merchant holds it (a payment it waits for): shipping it is
		// the merchant's call, made over the API.
		return "", Errorf(ECONFLICT, "order %s is held by the merchant (%s): the merchant releases it", o.Number, o.HoldReason).
			JA("注文 %s は荷主が保留しています（%s）。解除は荷主が行います", o.Number, o.HoldReason.Label())
	}
	edges := []OrderAction{a}
	switch a {
	case ActionCancel:
		edges = []OrderAction{ActionCancel, ActionRequestCancel}
	case ActionReallocate:
		// A received order is allocated by the worker; only one that
		// waited for stock is tried again by hand.
		if o.Status == OrderBackordered {
			edges = []OrderAction{ActionAllocate}
		}
	case ActionResolveShort:
		edges = []OrderAction{ActionReallocate}
	}
	for _, e := range edges {
		if _, err := o.Next(e); err == nil {
			if a == ActionSplit {
				if err := o.splittable(m); err != nil {
					return "", err
				}
			}
			return e, nil
		}
	}
	return "", Errorf(ECONFLICT, "order %s is %s: it cannot be %s", o.Number, o.Status, label[1]).
		JA("注文 %s は「%s」のため%sできません", o.Number, o.Status.Label(), label[0])
}

// splittable says why a short order may not ship in parts: the merchant
// must allow it, and an order paid on delivery collects one amount for
// one delivery.
func (o *Order) splittable(m *Merchant) error {
	if m == nil || !m.AllowPartial {
		name := ""
		if m != nil {
			name = m.Name
		}
		return Errorf(ECONFLICT, "merchant %s does not allow partial shipments", name).
			JA("荷主「%s」は分割出荷を認めていません。再引当・欠品解決・キャンセルのいずれかにしてください", name)
	}
	if o.CODAmount > 0 {
		return Errorf(ECONFLICT, "order %s is paid on delivery and ships in one parcel", o.Number).
			JA("注文 %s は代金引換のため分割出荷できません", o.Number)
	}
	return nil
}

// AllowedSupervisorActions lists the console's actions o allows now.
func (o *Order) AllowedSupervisorActions(m *Merchant) []OrderAction {
	var out []OrderAction
	for _, a := range supervisorActions {
		if _, err := o.SupervisorEdge(a, m); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// OrderCommand is a supervisor acting on an order from the console.
type OrderCommand struct {
	OrderID int64
	Action  OrderAction
	StaffID int64
	Device  string
	Note    string // why, kept in the order's history
}

// OrderCommandResult is what an action did: the order's new status and,
// after a split, the order that carries the missing units.
type OrderCommandResult struct {
	Status         OrderStatus
	NewOrderID     int64
	NewOrderNumber string
}

// OrderSearch selects orders for the console's list, newest first; zero
// fields match every order.
type OrderSearch struct {
	Number      string // the order number begins with it
	MerchantID  int64
	Customer    string // part of the recipient's name or company, spaces ignored
	Tracking    string // one of its parcels' tracking numbers, hyphens ignored
	Status      OrderStatus
	CreatedFrom time.Time // created at or after
	CreatedTo   time.Time // created before
	Before      int64     // only orders with smaller ids: the next page
	Limit       int
}

// OrderSummary is one row of the console's order list.
type OrderSummary struct {
	ID            int64
	Number        string
	MerchantID    int64
	MerchantCode  string
	MerchantName  string
	Status        OrderStatus
	HeldFrom      OrderStatus
	RecipientName string
	Prefecture    string
	Carrier       string
	Service       string
	Units         int
	CreatedAt     time.Time
}

// OrderView is everything the console's order page shows about one order.
type OrderView struct {
	Order       *Order
	Merchant    *Merchant
	Allocations []AllocatedStock
	Parcels     []Parcel
	Prints      []DocumentPrint
	Timeline    []TimelineEntry
	Actions     []OrderAction // what a supervisor may do now
}

// AllocatedStock is units of an order line reserved at a location and lot,
// and how many of them the picker took.
type AllocatedStock struct {
	LineID   int64
	SKU      string
	Name     string
	Location string
	Lot      string
	Expiry   time.Time
	Quantity int
	Picked   int
}

// DocumentPrint is one print of an order's slip or label, from the audit log.
type DocumentPrint struct {
	Document  string // slip, label, pick_list, handover
	StaffName string
	Reprint   bool
	At        time.Time
}

// TimelineEntry is one line of an order's history: an order event or a
// scan about the order, with who did it and on which device.
type TimelineEntry struct {
	At        time.Time
	Scan      bool        // a scan rather than an order event
	Action    string      // the event's action, or the scan's step
	From, To  OrderStatus // events
	Code      string      // scans: what was scanned
	Result    string      // scans: ok, or why it was refused
	Message   string      // scans: what the device answered
	Detail    string      // events
	StaffName string
	Device    string
}
