package server

// portalOrderWords are the words of changing an order in the portal
// (portal_orders.js); the actions themselves are the merchant API's.
var portalOrderWords = map[string][2]string{
	"change_address":        {"お届け先を変更", "Change address"},
	"done_address":          {"注文 {no} のお届け先を変更しました", "Order {no}: address changed"},
	"done_cancel_requested": {"注文 {no} のキャンセルを倉庫に依頼しました。取り出した商品を棚に戻してからキャンセルになります", "Order {no}: cancellation asked of the warehouse; it is cancelled once the goods picked are back on the shelf"},
	"recipient":             {"お届け先氏名", "Recipient"},
	"postal_code":           {"郵便番号", "Postal code"},
	"prefecture":            {"都道府県", "Prefecture"},
	"city":                  {"市区町村", "City"},
	"address1":              {"町域・番地", "Street address"},
	"address2":              {"建物名・部屋番号", "Building, room"},
	"phone":                 {"電話番号", "Phone"},
	"close":                 {"閉じる", "Close"},
}
