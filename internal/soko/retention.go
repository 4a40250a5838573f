package soko

import (
	"strings"
	"unicode/utf8"
)

// ErasedMark replaces a customer's personal data once it is erased.
const ErasedMark = "削除済み"

// MaxRetentionDays bounds a merchant's retention setting (100 years).
const MaxRetentionDays = 36500

// ActionErasePersonalData is the order event recording that the
// customer's personal data was erased, on request or by retention.
const ActionErasePersonalData OrderAction = "erase_personal_data"

// ValidateRetentionDays checks a merchant's retention setting: days after
// an order ships or is cancelled before its customer's personal data is
// erased, 0 keeping it.
func ValidateRetentionDays(days int) error {
	if days < 0 || days > MaxRetentionDays {
		return Errorf(EINVALID, "retention_days must be 0 (keep) to %d, not %d", MaxRetentionDays, days).
			JA("保存期間は0(無期限)〜%d日で指定してください(%d は指定できません)", MaxRetentionDays, days).WithField("retention_days", "range")
	}
	return nil
}

// PersonalDataErasable reports whether an order's customer data may be
// erased: only once it has shipped or was cancelled, since until then the
// parcel still needs its address.
func (o *Order) PersonalDataErasable() error {
	if o.Status == OrderShipped || o.Status == OrderCancelled {
		return nil
	}
	return Errorf(ECONFLICT, "order %s is %s: its customer's data can be erased once it has shipped or was cancelled, as the parcel still needs the address", o.Number, o.Status).
		JA("注文 %s はまだ出荷されていません(%s)。配送に住所が必要なため、個人情報は出荷またはキャンセルの後に削除できます", o.Number, o.Status)
}

// PersonalData lists the customer's personal values on the order, for
// finding them in copies (notifications, stored answers).
func (o *Order) PersonalData() []string {
	r := o.Recipient
	var vs []string
	for _, v := range []string{r.Name, r.Company, r.Phone, r.Email, r.Street, r.Building, o.Gift.Message, o.Gift.Noshi.Name} {
		if v = strings.TrimSpace(v); v != "" && v != ErasedMark {
			vs = append(vs, v)
		}
	}
	return vs
}

// ErasePersonalData replaces the customer's name, company, street and
// building, phone, gift message and のし name (名入れ) with ErasedMark (empty ones stay empty)
// and empties the email, so nothing is ever sent to it. The area — postal
// code, prefecture, city — stays: it names a neighbourhood, not a person,
// and carriers' zone charges and statistics by region need it, as they
// need the quantities, dates, carrier and tracking numbers that stay too.
func (o *Order) ErasePersonalData() {
	mark := func(s string) string {
		if s == "" {
			return ""
		}
		return ErasedMark
	}
	r := &o.Recipient
	r.Name, r.Company, r.Phone = ErasedMark, mark(r.Company), mark(r.Phone)
	r.Street, r.Building, r.Email = ErasedMark, mark(r.Building), ""
	o.Gift.Message, o.Gift.Noshi.Name = mark(o.Gift.Message), mark(o.Gift.Noshi.Name)
}

// ScrubPersonalData replaces the values in text: a string equal to one
// of them wholly, and any longer value (2+ characters: names, emails,
// phones, streets) wherever it occurs, as in an email's greeting.
func ScrubPersonalData(text string, values []string) string {
	for _, v := range values {
		if text == v {
			return ErasedMark
		}
	}
	for _, v := range values {
		if utf8.RuneCountInString(v) >= 2 && !isDigits(v) {
			text = strings.ReplaceAll(text, v, ErasedMark)
		}
	}
	return text
}

// isDigits: a phone number of digits only inside a longer string could be
// part of a tracking number, which must stay.
func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
