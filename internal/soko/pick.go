package soko

import "time"

// WaveStatus is where a wave of picking stands.
type WaveStatus string

// The wave statuses.
const (
	WaveReleased WaveStatus = "released"
	WaveDone     WaveStatus = "done"
)

// WaveMode is how a wave is picked.
type WaveMode string

// The wave modes.
const (
	// WaveSingle picks each order on its own pick list.
	WaveSingle WaveMode = "single"
	// WaveBatch picks all the wave's orders in one walk, each into its numbered tote.
	WaveBatch WaveMode = "batch"
)

// Wave groups allocated orders so pickers can take them in one walk (ウェーブ).
type Wave struct {
	ID         int64
	Number     string
	Mode       WaveMode
	Orders     int
	Tasks      int
	Carrier    string
	CutOff     time.Time
	Priority   int
	Status     WaveStatus
	ReleasedBy int64
	CreatedAt  time.Time
}

// PickTaskStatus is where one pick stands.
type PickTaskStatus string

// The pick task statuses.
const (
	PickOpen  PickTaskStatus = "open"
	PickDone  PickTaskStatus = "done"
	PickShort PickTaskStatus = "short"
)

// PickTask tells a picker to take Quantity of a product from a location into a tote.
type PickTask struct {
	ID                int64
	WaveID            int64
	WaveNumber        string
	OrderID           int64
	OrderNumber       string
	AllocationID      int64
	LocationID        int64
	LocationCode      string
	ProductID         int64
	SKU               string
	ProductName       string
	Lot               string
	Quantity          int
	Picked            int
	Tote              string
	Sequence          int
	Status            PickTaskStatus
	StaffID           int64
	LocationConfirmed bool
	// OrderStatus is the task's order's status, where the task was read
	// for a scan on it.
	OrderStatus OrderStatus
	// Left is how many tasks of the picker's list are still open, this one included.
	Left int
	// Codes are the item's barcodes, when the task was read for the handheld's list.
	Codes []ProductBarcode
}

// Remaining is how many units are still to be picked.
func (t *PickTask) Remaining() int { return t.Quantity - t.Picked }

// WaveRequest is what a supervisor asks for when releasing a wave.
type WaveRequest struct {
	Carrier   string    // only orders for this carrier; empty for all
	CutOff    time.Time // only orders created before it; zero for all
	Priority  int       // the wave's own priority: higher waves are picked first
	MaxOrders int       // 0 for no limit
	MaxUnits  int       // 0 for no limit
	Mode      WaveMode
	StaffID   int64
}

// PickScan is one scan on a pick task: the location, or units of the item.
type PickScan struct {
	ScanID   string
	TaskID   int64
	StaffID  int64
	Device   string
	Code     string
	Location bool // the scan confirms the location rather than picking
	// ProductID and Units are set for item scans whose product the caller
	// knows: the product the code is and how many units it counts.
	ProductID int64
	Units     int
	// For a code as the scanner sent it (neither Location nor ProductID
	// set), the store finds what it names within the scan's transaction
	// and DecidePickScan decides. GTIN is the barcode's GTIN and SKU the
	// code as typed when it is no barcode; Unreadable is the refusal of a
	// barcode whose check digit failed, which stands unless the code names
	// a shelf. Quantity is how many of the scanned pack were taken (0 for
	// one) and Lang the picker's language.
	GTIN, SKU  string
	Unreadable error
	Quantity   int
	Lang       string
}

// PickCode is what a code scanned on a pick task names: a shelf, or the
// products whose barcode or SKU it is.
type PickCode struct {
	Location string // the shelf's code; "" when the code names none
	Items    []PickCodeItem
}

// PickCodeItem is a product a scanned code names.
type PickCodeItem struct {
	ProductID int64
	Units     int  // the units one scan counts: the barcode's pack quantity
	AtShelf   bool // the product has stock at the task's shelf
}

// PickStep is what a pick scan does to its task: confirm the shelf, or
// take units into the tote.
type PickStep struct {
	ConfirmLocation bool
	Units           int
}

// DecidePickScan decides what a scan means for a pick task, from the task
// as the scan found it (nil when there is none: refused first) and what
// the code names: the shelf confirmed, or so many units of the task's item
// taken. It refuses an unknown or unreadable code, a code several merchants' items
// share when the shelf does not tell them apart, a task that is not the
// picker's to pick, the wrong shelf, an item before its shelf, the wrong
// item and more units than the task asks for.
func DecidePickScan(t *PickTask, code PickCode, s PickScan) (PickStep, error) {
	if t == nil {
		// The code is looked up with the task: without one it names nothing.
		return PickStep{}, t.mine(s.TaskID, s.StaffID)
	}
	if code.Location != "" {
		if err := t.pickableBy(s.TaskID, s.StaffID); err != nil {
			return PickStep{}, err
		}
		if at := t.LocationCode; code.Location != at {
			return PickStep{}, Errorf(EINVALID, "wrong location %s: go to %s", code.Location, at).
				JA("ロケーション違いです（%s）。%s へ行ってください", code.Location, at).WithField("code", "wrong_location")
		}
		return PickStep{ConfirmLocation: true}, nil
	}
	item, err := t.scannedItem(code, s)
	if err != nil {
		return PickStep{}, err
	}
	if err := t.pickableBy(s.TaskID, s.StaffID); err != nil {
		return PickStep{}, err
	}
	units := item.Units * max(1, s.Quantity)
	switch {
	case !t.LocationConfirmed:
		at := t.LocationCode
		return PickStep{}, Errorf(EINVALID, "scan the location %s first", at).
			JA("先にロケーション %s をスキャンしてください", at).WithField("code", "location_first")
	case item.ProductID != t.ProductID:
		return PickStep{}, Errorf(EINVALID, "wrong item: this is not %s", t.ProductName).
			JA("商品違いです。%s ではありません", t.ProductName).WithField("code", "wrong_item")
	case t.Picked+units > t.Quantity:
		return PickStep{}, Errorf(EINVALID, "over-pick: only %d more of %s", t.Quantity-t.Picked, t.ProductName).
			JA("数量オーバーです。%s はあと %d 個です", t.ProductName, t.Quantity-t.Picked).WithField("code", "over_pick")
	}
	return PickStep{Units: units}, nil
}

// scannedItem is the one product a code scanned on the task names. Where
// merchants share the barcode, what lies at the task's shelf decides,
// once the task is known to be the picker's.
func (t *PickTask) scannedItem(code PickCode, s PickScan) (PickCodeItem, error) {
	if s.Unreadable != nil {
		return PickCodeItem{}, s.Unreadable
	}
	items := code.Items
	if len(items) > 1 {
		if t.StaffID != s.StaffID {
			return PickCodeItem{}, t.mine(s.TaskID, s.StaffID)
		}
		var here []PickCodeItem
		for _, it := range items {
			if it.AtShelf {
				here = append(here, it)
			}
		}
		if len(here) > 0 {
			items = here
		}
	}
	switch len(items) {
	case 0:
		return PickCodeItem{}, UnknownCode(s.Code, s.Lang)
	case 1:
		return items[0], nil
	}
	return PickCodeItem{}, SharedCode(s.Code, s.Lang)
}

// pickableBy refuses a task that is not the picker's to pick now: its
// order held or being cancelled, another picker's, or finished.
func (t *PickTask) pickableBy(taskID, staffID int64) error {
	switch t.OrderStatus {
	case OrderOnHold:
		return Errorf(ECONFLICT, "the order of this task is on hold: leave it and take the next task").
			JA("この注文は保留中です。ピッキングせずに次の作業へ進んでください").WithField("code", "order_on_hold")
	case OrderCancelRequested, OrderCancelled:
		return Errorf(ECONFLICT, "the order of this task is being cancelled: do not pick it; give what you picked to the supervisor").
			JA("この注文はキャンセルされます。ピッキングせず、取った商品は監督者に渡してください").WithField("code", "order_cancelled")
	}
	if err := t.mine(taskID, staffID); err != nil {
		return err
	}
	if t.Status != PickOpen {
		return Errorf(ECONFLICT, "task %d is finished", t.ID).JA("この作業は完了しています")
	}
	return nil
}

// mine refuses a task that is not there or is another picker's.
func (t *PickTask) mine(taskID, staffID int64) error {
	if t == nil {
		return Errorf(ENOTFOUND, "no pick task %d", taskID).JA("ピッキング指示が見つかりません")
	}
	if t.StaffID != staffID {
		return Errorf(EFORBIDDEN, "task %d is another picker's", taskID).JA("この作業は別の担当者の作業です")
	}
	return nil
}

// CheckPickable refuses a task that is not the picker's to pick now (see
// DecidePickScan): a short report on it, say.
func (t *PickTask) CheckPickable(staffID int64) error { return t.pickableBy(t.ID, staffID) }

// UnknownCode refuses a scanned code no product has.
func UnknownCode(raw, lang string) error {
	return Errorf(ENOTFOUND, "no product has the code %s", raw).JA("登録されていないバーコードです（%s）", raw).
		WithField("code", Text{JA: "未登録のバーコードです", EN: "unknown barcode"}.In(lang))
}

// SharedCode refuses a scanned code several merchants' products have,
// when nothing tells them apart.
func SharedCode(raw, lang string) error {
	return Errorf(EINVALID, "several merchants have a product with the code %s: choose the merchant", raw).
		JA("複数の荷主に同じバーコードの商品があります。荷主を選んでください").WithField("merchant_code", Text{JA: "荷主を選んでください", EN: "choose the merchant"}.In(lang))
}

// ShortPick is a picker reporting that fewer units were at the location than the task asked for.
type ShortPick struct {
	ScanID  string
	TaskID  int64
	StaffID int64
	Device  string
	Found   int
}

// PickOutcome says what a pick scan or short report did.
type PickOutcome struct {
	Task              *PickTask // the task as it now stands
	ConfirmedLocation bool      // the scan confirmed the task's shelf
	TaskDone          bool
	OrderPicked       string // the order number, when the scan finished its order
	Rerouted          bool   // a short pick found the rest at another location
	OrderShort        string // the order number, when a short pick left it short
}
