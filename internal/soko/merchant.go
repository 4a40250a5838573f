package soko

import (
	"regexp"
	"time"
)

// Merchant is a shop (荷主) whose goods the warehouse keeps and ships.
// Everything a merchant owns is invisible to every other merchant.
type Merchant struct {
	ID          int64
	Code        string // short code staff and the CLI use, e.g. SAKURA
	Name        string
	Sender      Address // the ご依頼主 block on labels
	SlipMessage string  // printed on the packing slip
	// EmailTemplate is the shipment email its customers get; empty parts
	// are DefaultEmailTemplate's.
	EmailTemplate EmailTemplate
	// AllowPartial lets a short order ship what was picked while the
	// missing units follow as a new, backordered order (分割出荷).
	AllowPartial bool
	// RetentionDays is how long after an order ships or is cancelled its
	// customer's personal data is kept before it is erased; 0 keeps it.
	RetentionDays int
	// StockBuffer is the units kept back from the sales channels for
	// every product without a buffer of its own (安全在庫).
	StockBuffer int
	CreatedAt   time.Time
}

var merchantCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{1,31}$`)

// Validate checks what a merchant needs before it can be saved.
func (m *Merchant) Validate() error {
	if !merchantCode.MatchString(m.Code) {
		return Errorf(EINVALID, "merchant code %q must be 2-32 upper-case letters, digits, - or _", m.Code).
			JA("荷主コード「%s」は英大文字・数字・-・_ の2〜32文字にしてください", m.Code).WithField("code", "pattern")
	}
	if m.Name == "" {
		return Errorf(EINVALID, "merchant name is required").JA("荷主名を入力してください").WithField("name", "required")
	}
	return nil
}
