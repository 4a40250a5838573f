package carrier

import (
	"fmt"
	"regexp"

	"github.com/soko-wms/soko/internal/soko"
)

// AccountField is one value of a carrier contract (soko.CarrierAccount)
// that soko writes into the carrier's files, or one option of the contract
// that changes what it writes.
type AccountField struct {
	Key  string    // the API's name: billing_code, billing_class, freight_number, six_slots
	Name soko.Text // the carrier's name for it: 請求先顧客コード
	// Required values must be set before the carrier's file can be
	// exported; an option (six_slots) is never required.
	Required bool
	Option   bool // a yes/no option of the contract rather than a value
	// Format is what the value takes, after full-width digits and letters
	// are made ASCII and hyphens and spaces dropped.
	Format     *regexp.Regexp
	FormatHint soko.Text // Format as people read it: 10〜12桁の数字
}

var (
	billingCodeFormat   = regexp.MustCompile(`^[0-9]{10,12}$`)
	billingClassFormat  = regexp.MustCompile(`^[0-9A-Za-z]{1,3}$`)
	freightNumberFormat = regexp.MustCompile(`^[0-9]{2}$`)
)

// The fields of each carrier's contract soko needs.
//
// B2クラウド: 請求先顧客コード, 請求先分類コード and 運賃管理番号 are the
// columns after 個数口表示フラグ in the 送り状発行データ layout; the first
// and the last are required for 宅急便 (carriers.md, checked against the
// published layout 2026-12). The customer code is the contract's 10 digits
// with an optional 2-digit branch, usually the contract phone number's
// digits, and the freight number usually 01 (sakura-densan.com's B2
// export reference; the 12-digit maximum is the layout's). The class code
// is up to 3 letters or digits: unverified beyond the layout's width.
//
// e飛伝Ⅲ: the contract decides the evening slots. The 6-slot option
// (時間帯サービス6区分) has 18–20 (18) and 19–21 (19); a standard 5-slot
// contract has 18–21 (04) only (carriers.md, 2026-12; unverified against a
// current e飛伝Ⅲ manual).
var accountFields = map[string][]AccountField{
	"yamato": {
		{Key: "billing_code", Name: soko.Text{JA: "請求先顧客コード", EN: "billing customer code"}, Required: true,
			Format: billingCodeFormat, FormatHint: soko.Text{JA: "10〜12桁の数字", EN: "10 to 12 digits"}},
		{Key: "billing_class", Name: soko.Text{JA: "請求先分類コード", EN: "billing class code"},
			Format: billingClassFormat, FormatHint: soko.Text{JA: "英数字3文字まで", EN: "up to 3 letters or digits"}},
		{Key: "freight_number", Name: soko.Text{JA: "運賃管理番号", EN: "freight number"}, Required: true,
			Format: freightNumberFormat, FormatHint: soko.Text{JA: "2桁の数字（通常 01）", EN: "2 digits (usually 01)"}},
	},
	"sagawa": {
		{Key: "six_slots", Name: soko.Text{JA: "時間帯サービス6区分", EN: "six-slot time option"}, Option: true},
	},
}

// fiveSlotCodes are the codes Sagawa's standard contract uses in place of
// Slots' six-slot ones: the evening is one slot, 18–21 (04), so both of
// soko's evening slots go as 04 (the parcel may come from 18:00).
var fiveSlotCodes = map[soko.TimeSlot]string{
	soko.Slot18To20: "04",
	soko.Slot19To21: "04",
}

// AccountFields returns the contract fields of the carrier with code, or
// nil when soko writes nothing of its contract.
func AccountFields(code string) []AccountField { return accountFields[code] }

// CheckAccount normalises a's values (full-width to ASCII, hyphens and
// spaces dropped) and returns what its carrier would not take: an unknown
// carrier, a required value missing, a value in the wrong format, or a value
// for a field the carrier's contract does not have.
func CheckAccount(a *soko.CarrierAccount) []Problem {
	c := find(a.Carrier)
	if c == nil {
		return []Problem{{Field: "carrier",
			Message: soko.Text{JA: fmt.Sprintf("配送業者 %s は登録されていません（%s のいずれか）", quote(a.Carrier), carrierCodes()),
				EN: fmt.Sprintf("unknown carrier %s (want one of %s)", quote(a.Carrier), carrierCodes())}}}
	}
	fields := accountFields[c.Code]
	if len(fields) == 0 {
		return []Problem{{Field: "carrier",
			Message: soko.Text{JA: fmt.Sprintf("%sには設定する契約情報がありません", c.Name.JA),
				EN: fmt.Sprintf("%s has no contract settings", c.Name.EN)}}}
	}
	var ps []Problem
	for _, key := range []string{"billing_code", "billing_class", "freight_number", "six_slots"} {
		f := fieldOf(fields, key)
		if key == "six_slots" {
			if a.SixSlots && f == nil {
				ps = append(ps, Problem{Field: key,
					Message: soko.Text{JA: fmt.Sprintf("%sの契約には時間帯6区分の設定はありません", c.Name.JA),
						EN: fmt.Sprintf("%s contracts have no six-slot option", c.Name.EN)}})
			}
			continue
		}
		v := accountValue(a, key)
		*v = soko.CompactCode(*v)
		switch {
		case f == nil && *v != "":
			ps = append(ps, Problem{Field: key,
				Message: soko.Text{JA: fmt.Sprintf("%sの契約にこの項目はありません", c.Name.JA),
					EN: fmt.Sprintf("%s contracts have no %s", c.Name.EN, key)}})
		case f == nil:
		case *v == "" && f.Required:
			ps = append(ps, Problem{Field: key,
				Message: soko.Text{JA: fmt.Sprintf("%sを入力してください（%s）", f.Name.JA, f.FormatHint.JA),
					EN: fmt.Sprintf("%s is required (%s)", f.Name.EN, f.FormatHint.EN)}})
		case *v != "" && !f.Format.MatchString(*v):
			ps = append(ps, Problem{Field: key,
				Message: soko.Text{JA: fmt.Sprintf("%sは%sで入力してください", f.Name.JA, f.FormatHint.JA),
					EN: fmt.Sprintf("%s must be %s", f.Name.EN, f.FormatHint.EN)}})
		}
	}
	return ps
}

func fieldOf(fields []AccountField, key string) *AccountField {
	for i := range fields {
		if fields[i].Key == key {
			return &fields[i]
		}
	}
	return nil
}

// accountValue points at the text field of a named key.
func accountValue(a *soko.CarrierAccount, key string) *string {
	switch key {
	case "billing_code":
		return &a.BillingCode
	case "billing_class":
		return &a.BillingClass
	default:
		return &a.FreightNumber
	}
}

// slotCodeFor returns the carrier's code for slot s on account a (nil when
// the warehouse has not set one): a standard Sagawa contract sends the
// evening as 18–21.
func (c *Carrier) slotCodeFor(s soko.TimeSlot, a *soko.CarrierAccount) (string, bool) {
	code, ok := c.SlotCode(s)
	if !ok {
		return "", false
	}
	if fieldOf(accountFields[c.Code], "six_slots") != nil && (a == nil || !a.SixSlots) {
		if five, ok := fiveSlotCodes[s]; ok {
			return five, true
		}
	}
	return code, true
}
