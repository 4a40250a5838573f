package soko

import "time"

// CarrierAccount is the warehouse's contract with one carrier, or one
// merchant's own contract where the merchant ships on it instead: the
// values the carrier's label software needs on every row and the options
// the contract includes. Which fields a carrier takes, and their format,
// are the carrier package's to say (carrier.CheckAccount).
type CarrierAccount struct {
	ID int64
	// MerchantID is the merchant that ships on this contract; 0 for the
	// warehouse's own, which every merchant without one of its own uses.
	MerchantID int64
	Carrier    string
	// BillingCode is who the carrier bills (B2クラウド's 請求先顧客コード:
	// the contract's customer code, usually the contract phone number's
	// digits).
	BillingCode string
	// BillingClass is B2クラウド's 請求先分類コード, optional.
	BillingClass string
	// FreightNumber is B2クラウド's 運賃管理番号, the contract's freight
	// table ("01" on most contracts).
	FreightNumber string
	// SixSlots marks a contract with the carrier's six-slot option
	// (Sagawa's 時間帯サービス 6区分), whose evening slots have codes of their
	// own; without it the evening is one slot.
	SixSlots  bool
	UpdatedAt time.Time
}

// AccountFor returns the account of merchantID among accounts, for
// carrierCode: the merchant's own, else the warehouse's, else nil.
func AccountFor(accounts []CarrierAccount, carrierCode string, merchantID int64) *CarrierAccount {
	var warehouse *CarrierAccount
	for i := range accounts {
		a := &accounts[i]
		switch {
		case a.Carrier != carrierCode:
		case a.MerchantID == merchantID && merchantID != 0:
			return a
		case a.MerchantID == 0:
			warehouse = a
		}
	}
	return warehouse
}
