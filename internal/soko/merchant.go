package soko

import (
	"regexp"
	"strings"
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
	// Consolidate lets orders to the same recipient leave as one parcel
	// (同梱); off unless the merchant asks for it.
	Consolidate bool
	// RetentionDays is how long after an order ships or is cancelled its
	// customer's personal data is kept before it is erased; 0 keeps it.
	RetentionDays int
	// InvoiceNumber is the merchant's 適格請求書発行事業者 registration
	// number (T and 13 digits), printed on its packing slips so that they
	// serve as qualified invoices; empty when it has none.
	InvoiceNumber string
	// StockBuffer is the units kept back from the sales channels for
	// every product without a buffer of its own (安全在庫).
	StockBuffer int
	// HoldAlertDays is how long the merchant's own hold (入金待ち and the
	// like) may last before the dashboard lists it; 0 never lists it.
	// HoldAutoFree then puts its reserved stock back on sale.
	HoldAlertDays int
	HoldAutoFree  bool
	CreatedAt     time.Time
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
	if m.InvoiceNumber != "" && !ValidInvoiceNumber(m.InvoiceNumber) {
		return Errorf(EINVALID, "registration number %q must be T and 13 digits with a valid check digit", m.InvoiceNumber).
			JA("登録番号「%s」は T と13桁の数字で、先頭の検査用数字が合うものを入力してください", m.InvoiceNumber).WithField("invoice_number", "pattern")
	}
	return nil
}

// InvoiceNumber returns a typed 適格請求書発行事業者 registration number
// in its printed form (CompactCode, upper case): full-width letters and
// digits made ASCII, a lower-case t made upper case, hyphens and spaces
// dropped
// ("ｔ７０１０-７０５…" → "T7010705000725"). It does not check it.
func InvoiceNumber(s string) string { return strings.ToUpper(CompactCode(s)) }

// ValidInvoiceNumber reports whether s is T followed by 13 digits whose
// first is the check digit of the other twelve, as the National Tax
// Agency makes them: corporations' are T and their 法人番号, whose check
// digit is 9 − (Σ digit × (1 for odd, 2 for even positions from the right)
// mod 9) (国税庁, 法人番号の指定等に関する省令 第2条). Sole proprietors get 13
// digits that never collide with a 法人番号 (invoice-kohyo.nta.go.jp,
// 登録番号とは); that they carry the same check digit is unverified.
func ValidInvoiceNumber(s string) bool {
	if len(s) != 14 || s[0] != 'T' || s[1] < '1' || s[1] > '9' {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		c := s[13-i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * (1 + i%2)
	}
	return int(s[1]-'0') == 9-sum%9
}

// MaxHoldAlertDays bounds HoldAlertDays.
const MaxHoldAlertDays = 365

// ValidateHoldSettings checks a merchant's hold settings.
func ValidateHoldSettings(days int) error {
	if days < 0 || days > MaxHoldAlertDays {
		return Errorf(EINVALID, "alert_days must be 0 to %d", MaxHoldAlertDays).
			JA("保留の日数は0〜%d日にしてください", MaxHoldAlertDays).WithField("alert_days", "range")
	}
	return nil
}
