package soko

// Seed is a whole warehouse's master data, stock and open orders, loaded in
// one transaction into an empty database (the demo, and tests).
// Products, stock and orders refer to merchants by Code, to products by SKU
// and to locations by Code, because they have no ids before they are stored.
type Seed struct {
	Merchants []Merchant
	Staff     []SeedStaff
	Locations []Location
	BoxTypes  []BoxType
	Products  []SeedProduct
	Stock     []SeedStock
	Orders    []SeedOrder
	APIKeys   []SeedAPIKey
	// PortalUsers are merchants' users of the portal, with their passwords.
	PortalUsers []SeedPortalUser
	// CarrierAccounts are the warehouse's own contracts (MerchantID 0).
	CarrierAccounts []CarrierAccount
	// RateCards are what the warehouse bills merchants (issue 20).
	RateCards []SeedRateCard
}

// SeedRateCard is a rate card of the merchant with MerchantCode.
type SeedRateCard struct {
	MerchantCode string
	RateCard
}

// SeedStaff is a staff member with the PIN they will type.
type SeedStaff struct {
	Staff
	PIN string
}

// SeedProduct is a product of the merchant with MerchantCode.
type SeedProduct struct {
	MerchantCode string
	Product
}

// SeedStock is units of a product at a location.
type SeedStock struct {
	MerchantCode string
	SKU          string
	LocationCode string
	Stock
}

// SeedOrder is an order of the merchant with MerchantCode; line SKUs name its products.
type SeedOrder struct {
	MerchantCode string
	Order
}

// SeedPortalUser is a portal user of the merchant with MerchantCode and
// the password they will type.
type SeedPortalUser struct {
	MerchantCode string
	PortalUser
	Password string
}

// SeedAPIKey is an API key of the merchant with MerchantCode, with its secret.
type SeedAPIKey struct {
	MerchantCode string
	Name         string
	Secret       string
}
