package soko

import "time"

// KittingStatus is where a kitting task stands.
type KittingStatus string

// The kitting task statuses.
const (
	KittingOpen      KittingStatus = "open"
	KittingDone      KittingStatus = "done"
	KittingCancelled KittingStatus = "cancelled"
)

// MaxKits bounds the kit units one kitting task assembles.
const MaxKits = 10000

// KittingTask is a supervisor's order to assemble Quantity kits
// (集合包装) of the set product SetSKU ahead of its orders and put them at
// Location: the components leave their shelves and the kit units become
// the set's own stock, which allocation uses before the components.
type KittingTask struct {
	ID           int64
	MerchantID   int64
	MerchantCode string
	SetProductID int64
	SetSKU       string
	SetName      string
	SetBarcodes  []string
	Quantity     int
	Location     string // where the kit units go
	Status       KittingStatus
	Note         string
	CreatedBy    int64
	DoneBy       int64
	CreatedAt    time.Time
	DoneAt       time.Time
	// Components are what the kits take, with where they lie now (read
	// when the task is shown, not reserved).
	Components []KitComponent
}

// KitComponent is one component a kitting task takes: PerKit units per
// kit, Quantity in all.
type KitComponent struct {
	ProductID int64
	SKU       string
	Name      string
	Barcodes  []string
	PerKit    int
	Quantity  int
	From      []KitSource
}

// KitSource is a shelf with free units of a component.
type KitSource struct {
	Location string
	Free     int
}

// Validate checks a new kitting task.
func (k *KittingTask) Validate() error {
	bad := Errorf(EINVALID, "invalid kitting task").JA("キッティング作業の内容に誤りがあります")
	if k.SetSKU == "" {
		bad.WithField("sku", "required / セット商品のSKUを入力してください")
	}
	if k.Quantity < 1 || k.Quantity > MaxKits {
		bad.WithField("quantity", "1 to 10000 / 1〜10000 にしてください")
	}
	if k.Location == "" {
		bad.WithField("location", "required / 置き場所のロケーションを入力してください")
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

// KitPick is units of a component a worker took from a location for a
// kitting task.
type KitPick struct {
	SKU      string
	Location string
	Units    int
}

// KittingFinish is a worker finishing a kitting task: the components they
// picked, and where they put the kits (the task's location when empty).
type KittingFinish struct {
	TaskID   int64
	StaffID  int64
	Location string
	Picks    []KitPick
}
